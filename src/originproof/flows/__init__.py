"""The role workflows: what each party does, joining the chain client, the store and its keys.

Each module is one workflow (certify, verify, claim, grant, a verification case, …) over a `Party`
(`_common`), the session of one participant; the CLI commands are thin wrappers around them.
"""
