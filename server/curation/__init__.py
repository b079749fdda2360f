"""The curation page's parts: who may use it (``access``), what it shows (``page``) and how a drafted
claim is written into its claims file and checked (``draft``)."""
