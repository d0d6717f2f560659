"""The pilot: the customs pilot of 2018 replayed end to end on any network (`ape run pilot`).

`scenario.run` plays it and returns a `report.PilotReport`; `parties` is the cast, `documents` the
certificates it certifies.
"""
