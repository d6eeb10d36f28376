"""Names of what cached values depend on, as stamps (healthhub/caching/stamps.py) know them.

- `item(obj)`, "item:articles.faq:12": one item; stamped whenever it changes, and when
  an item it lists (its FAQ, its linked trigger) joins, leaves or moves.
- `link(obj)`, "link:articles.faq:12": what a link to the item shows (its name, note
  and address, and whether and where it is listed): pages that only link to it
  (related pages, tag pages, "Used in", glossary links) are not stale when its body
  changes.
- `of_type(model)`, "list:articles.faq": any item of a type (list pages, feeds, sitemap,
  the glossary A-Z, the home page).
- `tag(pk)`, "tag:12": the items carrying a tag, and their order (tag pages, related pages).
- TAGS: the tag vocabulary and its counts.
- `mentions(term_pk)`, "mentions:3": which visible texts mention a glossary term ("Used in").
- SEARCH: anything the search index holds.
- stamps.GLOSSARY, stamps.SETTINGS, stamps.ALL: glossary names, site settings, everything.
"""

TAGS = "tags"
SEARCH = "search"


def item(obj):
    return item_of(obj._meta.label_lower, obj.pk)


def item_of(label, pk):
    return f"item:{label}:{pk}"


def items(objs):
    return [item(obj) for obj in objs]


def link(obj):
    return link_of(obj._meta.label_lower, obj.pk)


def link_of(label, pk):
    return f"link:{label}:{pk}"


def links(objs):
    return [link(obj) for obj in objs]


def of_type(model):
    return type_of(model._meta.label_lower)


def type_of(label):
    return f"list:{label}"


def tag(pk):
    return f"tag:{pk}"


def mentions(term_pk):
    return f"mentions:{term_pk}"
