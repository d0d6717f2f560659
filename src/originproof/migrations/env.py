"""Alembic environment for the store: migrates the connection `originproof.store.migrate` hands over.

The store opens its own transaction (and, on PostgreSQL, an advisory lock) around the upgrade, so two
processes opening a new store at once migrate it once. To write a new revision, compare the models
with a database at head, e.g. `alembic.command.revision(config, autogenerate=True)` with
`config.attributes["connection"]` set, then review the generated file by hand.
"""

from alembic import context

from originproof.store.schema import Base

context.configure(
    connection=context.config.attributes["connection"],
    target_metadata=Base.metadata,
    render_as_batch=True,
)
with context.begin_transaction():
    context.run_migrations()
