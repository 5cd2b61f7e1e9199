"""The one YAML writer of the repository tooling: every generated YAML file is PyYAML's output.

Generated compose blocks define and refer to anchors of the hand-written ``docker-compose.yml``
(``&platform-locations``, ``<<: *code-server``) and use compose's ``!reset`` tag. PyYAML writes
none of these from plain data, so they are values of their own types here, and nothing is
patched in as text.

>>> print(dump({"web": {MERGE: Alias("hardening"), "volumes": Reset()}}), end="")
web:
  <<: *hardening
  volumes: !reset []
>>> print(dump({"x-names": Anchored("names", "a,b")}), end="")
x-names: &names a,b
"""

from dataclasses import dataclass
from typing import Any

import yaml

_ALIAS_TAG = "!platform/alias"
_MERGE_TAG = "tag:yaml.org,2002:merge"


@dataclass(frozen=True)
class Alias:
    """``*name``: a reference to an anchor defined elsewhere in the file being written into."""

    name: str


@dataclass(frozen=True)
class Anchored:
    """``&name value``: a value that other parts of the file refer to as ``*name``."""

    name: str
    value: Any


@dataclass(frozen=True)
class _MergeKey:
    """``<<``: YAML's merge key (a plain ``"<<"`` string would be written quoted)."""


MERGE = _MergeKey()


@dataclass(frozen=True)
class Reset:
    """Compose's ``!reset []``: drop what the file being overridden sets for this key."""


class _Dumper(yaml.SafeDumper):
    """Block style, two-space indented sequences, no anchors of its own, and the types above."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.anchor_names: dict[int, str] = {}
        """The anchor of each node made from an ``Anchored`` value, by node id."""

    def ignore_aliases(self, data: Any) -> bool:
        return True

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)

    def anchor_node(self, node: yaml.Node) -> None:
        super().anchor_node(node)
        name = self.anchor_names.get(id(node))
        if name is not None:
            self.anchors[node] = name

    def serialize_node(self, node: yaml.Node, parent: Any, index: Any) -> None:
        if node.tag == _ALIAS_TAG:
            self.emit(yaml.AliasEvent(node.value))
            return
        super().serialize_node(node, parent, index)


def _represent_anchored(dumper: _Dumper, anchored: Anchored) -> yaml.Node:
    node = dumper.represent_data(anchored.value)
    dumper.anchor_names[id(node)] = anchored.name
    return node


_Dumper.add_representer(Anchored, _represent_anchored)
_Dumper.add_representer(Alias, lambda d, a: yaml.ScalarNode(_ALIAS_TAG, a.name))
_Dumper.add_representer(_MergeKey, lambda d, _: yaml.ScalarNode(_MERGE_TAG, "<<"))
_Dumper.add_representer(Reset, lambda d, _: yaml.SequenceNode("!reset", [], flow_style=True))


def dump(document: Any, *, indent: int = 0) -> str:
    """``document`` as YAML, keys in the order given, each line indented by ``indent`` spaces."""
    text = yaml.dump(document, Dumper=_Dumper, sort_keys=False, width=100)
    return "".join(" " * indent + line if line.strip() else line for line in text.splitlines(True))
