"""The untranslated family: fragments in another language or script than the document's."""
