"""Boilerplate: the page furniture around and inside a scraped article (menus, prompts, banners,
widgets, story lists), found on plain text by a shared line classifier (``blocks``)."""
