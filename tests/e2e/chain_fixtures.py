"""The conftest's deployment (three contracts, participants enrolled) as a `Deployment` record."""

from originproof import deployments


def deployment_of(chain, customs, participants, certificates, attestations) -> deployments.Deployment:
    """The record of the session's contracts, from the block Participants was deployed in."""
    return deployments.Deployment(
        chain_id=chain.chain_id,
        genesis_hash=chain.blocks[0].hash.to_0x_hex(),
        block=participants.creation_metadata.block,
        deployer=customs.address,
        participants=participants.address,
        certificates=certificates.address,
        attestations=attestations.address,
    )
