"""The HTTP validator cache kept in the store, written only when a source's run succeeds."""

from __future__ import annotations

from digest.fetch_records import Validators
from digest.store import Store


class StoreValidators:
    """A ValidatorCache over the store; new validators wait for commit() so a failed run refetches.

    Saving an ETag before the items it describes are stored would make the next run get a
    304 and lose them; so validators are held until the source has stored its documents.
    """

    def __init__(self, store: Store) -> None:
        self.store = store
        self.pending: dict[str, Validators] = {}

    def get(self, url: str) -> Validators | None:
        """The validators for a URL: pending ones first, then the stored ones."""
        if url in self.pending:
            return self.pending[url]
        saved = self.store.get_validators(url)
        return Validators(etag=saved[0], last_modified=saved[1]) if saved else None

    def put(self, url: str, validators: Validators) -> None:
        """Hold a URL's new validators until the source's run is committed."""
        self.pending[url] = validators

    def commit(self) -> None:
        """Write the held validators: the source's documents are stored."""
        for url, v in self.pending.items():
            self.store.put_validators(url, v.etag, v.last_modified)
        self.pending.clear()

    def discard(self) -> None:
        """Forget the held validators: the source failed, so the next run fetches again."""
        self.pending.clear()
