"""Nothing registered: the Django admin runs on the bare domain (public schema), where this
app's tenant tables do not exist, and vendor staff read tenant content only through audited
support access (ARCHITECTURE.md §3)."""
