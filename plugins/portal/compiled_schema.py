"""The content schemas compiled into plain Python checks that answer one question: is this valid?

``jsonschema`` walks a schema keyword by keyword and builds an error object for every branch it tries,
which costs about 0.4 ms for a typical item's front matter. Almost every file of a real province is
valid, so :func:`portal.schema.validate` asks this module first and only runs ``jsonschema`` (and its
messages) when the answer is "not valid": the messages an editor reads never come from here.

The compiler covers exactly the keywords our schemas use (JSON Schema 2020-12: ``type``,
``properties``, ``additionalProperties``, ``unevaluatedProperties``, ``required``, ``dependentRequired``,
``items``, ``minItems``, ``maxItems``, ``uniqueItems``, ``enum``, ``const``, ``minLength``, ``maxLength``, ``pattern``,
``format``, ``minimum``, ``maximum``, ``allOf``, ``anyOf``, ``oneOf``, ``not``, ``if``/``then``/``else``,
``$ref``) with ``jsonschema``'s own semantics: ``re.search`` for patterns, ``True`` never equal to ``1``,
``1.0`` an integer, formats checked only when the format checker knows them. A schema that uses any
other keyword raises :class:`UnsupportedSchema` and is left to ``jsonschema`` alone.
``tests/test_fast_validator.py`` proves, over every schema, the bad-input corpus and generated
mutations, that this refuses exactly what ``jsonschema`` refuses.
"""

from __future__ import annotations

import numbers
import re
from collections.abc import Callable, Mapping, Sequence
from urllib.parse import unquote, urljoin

Check = Callable[[object], bool]

# Keywords that only annotate: they never change a verdict.
ANNOTATIONS = frozenset({"$schema", "$id", "$defs", "$comment", "title", "description", "default", "examples"})
_HANDLED = frozenset({
    "type", "properties", "additionalProperties", "unevaluatedProperties", "required", "dependentRequired",
    "items", "minItems", "maxItems", "uniqueItems", "enum", "const", "minLength", "maxLength", "pattern", "format",
    "minimum", "maximum", "allOf", "anyOf", "oneOf", "not", "if", "then", "else", "$ref",
})


class UnsupportedSchema(Exception):
    """The schema uses a keyword this compiler does not implement; validate it with ``jsonschema``."""


def _is_integer(value) -> bool:
    if isinstance(value, bool):
        return False
    return isinstance(value, int) or (isinstance(value, float) and value.is_integer())


def _is_number(value) -> bool:
    return isinstance(value, numbers.Number) and not isinstance(value, bool)


_TYPES: dict[str, Check] = {
    "string": lambda v: isinstance(v, str),
    "integer": _is_integer,
    "number": _is_number,
    "boolean": lambda v: isinstance(v, bool),
    "array": lambda v: isinstance(v, list),
    "object": lambda v: isinstance(v, dict),
    "null": lambda v: v is None,
}


def equal(one, two) -> bool:
    """JSON equality as ``jsonschema`` judges it: ``True`` is not ``1``, ``1`` is ``1.0``, recursively."""
    if one is two:
        return True
    if isinstance(one, str) or isinstance(two, str):
        return one == two
    if isinstance(one, Sequence) and isinstance(two, Sequence):
        return len(one) == len(two) and all(equal(a, b) for a, b in zip(one, two, strict=True))
    if isinstance(one, Mapping) and isinstance(two, Mapping):
        return one.keys() == two.keys() and all(equal(one[key], two[key]) for key in one)
    if isinstance(one, bool) or isinstance(two, bool):
        return False  # True/False are only themselves (the identity test above)
    return one == two


def _unique(items: list) -> bool:
    return all(not equal(items[i], items[j]) for i in range(len(items)) for j in range(i + 1, len(items)))


class Compiler:
    """Compiles schema documents from ``contents(uri)``; ``format_checker`` is the one ``jsonschema`` uses."""

    def __init__(self, contents: Callable[[str], dict], format_checker) -> None:
        self._contents = contents
        self._formats = format_checker
        self._by_ref: dict[tuple[str, str], Check | None] = {}
        self._by_node: dict[int, tuple[object, Check]] = {}  # id(node) -> (node kept alive, check)

    def compile(self, uri: str) -> Check:
        """The check for the whole document at ``uri``."""
        return self._ref_check(uri)

    # -- references -------------------------------------------------------------------------------

    def _target(self, uri: str, pointer: str) -> tuple[object, str]:
        node = self._contents(uri)
        for part in [p for p in pointer.split("/") if p]:
            part = unquote(part).replace("~1", "/").replace("~0", "~")
            node = node[int(part)] if isinstance(node, list) else node[part]
        base = node.get("$id", uri) if isinstance(node, dict) and pointer else uri
        return node, urljoin(uri, base)

    def _resolve(self, ref: str, base: str) -> tuple[tuple[str, str], object, str]:
        uri, _, pointer = urljoin(base, ref).partition("#")
        node, node_base = self._target(uri, pointer)
        return (uri, pointer), node, node_base

    def _ref_check(self, ref: str, base: str = "") -> Check:
        key, node, node_base = self._resolve(ref, base)
        if key not in self._by_ref:
            self._by_ref[key] = None  # a cycle meets this placeholder and defers the lookup to call time
            self._by_ref[key] = self.node(node, node_base)
        check = self._by_ref[key]
        if check is None:
            return lambda value: self._by_ref[key](value)
        return check

    # -- nodes ------------------------------------------------------------------------------------

    def node(self, node, base: str) -> Check:
        """The check for one schema node (cached per node object)."""
        cached = self._by_node.get(id(node))
        if cached is not None and cached[0] is node:
            return cached[1]
        check = self._compile_node(node, base)
        self._by_node[id(node)] = (node, check)
        return check

    def _compile_node(self, node, base: str) -> Check:
        if node is True:
            return lambda value: True
        if node is False:
            return lambda value: False
        if not isinstance(node, dict):
            raise UnsupportedSchema(f"schema node is {type(node).__name__}")
        base = urljoin(base, node.get("$id", ""))
        unknown = {k for k in node if k not in _HANDLED and k not in ANNOTATIONS and not k.startswith("x-")}
        if unknown:
            raise UnsupportedSchema(f"keywords {sorted(unknown)}")
        checks: list[Check] = []
        if "type" in node:
            checks.append(self._type(node["type"]))
        if "$ref" in node:
            checks.append(self._ref_check(node["$ref"], base))
        checks += self._strings(node)
        checks += self._numbers(node)
        checks += self._values(node)
        checks += self._arrays(node, base)
        checks += self._objects(node, base)
        checks += self._combinators(node, base)
        if "unevaluatedProperties" in node:
            checks.append(self._unevaluated(node, base))
        if not checks:
            return lambda value: True
        if len(checks) == 1:
            return checks[0]
        return lambda value: all(check(value) for check in checks)

    @staticmethod
    def _type(types) -> Check:
        if isinstance(types, str):
            return _TYPES[types]
        options = [_TYPES[t] for t in types]
        return lambda value: any(test(value) for test in options)

    def _strings(self, node: dict) -> list[Check]:
        checks = []
        if "minLength" in node:
            least = node["minLength"]
            checks.append(lambda v: not isinstance(v, str) or len(v) >= least)
        if "maxLength" in node:
            most = node["maxLength"]
            checks.append(lambda v: not isinstance(v, str) or len(v) <= most)
        if "pattern" in node:
            search = re.compile(node["pattern"]).search
            checks.append(lambda v: not isinstance(v, str) or search(v) is not None)
        if "format" in node and node["format"] in self._formats.checkers:
            fmt, conforms = node["format"], self._formats.conforms
            checks.append(lambda v: conforms(v, fmt))
        return checks

    @staticmethod
    def _numbers(node: dict) -> list[Check]:
        checks = []
        if "minimum" in node:
            least = node["minimum"]
            checks.append(lambda v: not _is_number(v) or v >= least)
        if "maximum" in node:
            most = node["maximum"]
            checks.append(lambda v: not _is_number(v) or v <= most)
        return checks

    @staticmethod
    def _values(node: dict) -> list[Check]:
        checks = []
        if "enum" in node:
            allowed = list(node["enum"])
            strings = frozenset(v for v in allowed if isinstance(v, str))
            checks.append(lambda v: v in strings if isinstance(v, str) else any(equal(a, v) for a in allowed))
        if "const" in node:
            const = node["const"]
            checks.append(lambda v: equal(v, const))
        return checks

    def _arrays(self, node: dict, base: str) -> list[Check]:
        checks = []
        if "items" in node:
            item = self.node(node["items"], base)
            checks.append(lambda v: not isinstance(v, list) or all(item(x) for x in v))
        if "minItems" in node:
            least = node["minItems"]
            checks.append(lambda v: not isinstance(v, list) or len(v) >= least)
        if "maxItems" in node:
            most = node["maxItems"]
            checks.append(lambda v: not isinstance(v, list) or len(v) <= most)
        if node.get("uniqueItems") is True:
            checks.append(lambda v: not isinstance(v, list) or _unique(v))
        return checks

    def _objects(self, node: dict, base: str) -> list[Check]:
        checks = []
        properties = {k: self.node(s, base) for k, s in node.get("properties", {}).items()}
        if properties:
            pairs = tuple(properties.items())
            checks.append(lambda v: not isinstance(v, dict) or all(
                check(v[key]) for key, check in pairs if key in v))
        if "additionalProperties" in node:
            extra = self.node(node["additionalProperties"], base)
            known = frozenset(properties)
            checks.append(lambda v: not isinstance(v, dict) or all(
                extra(value) for key, value in v.items() if key not in known))
        if "required" in node:
            required = tuple(node["required"])
            checks.append(lambda v: not isinstance(v, dict) or all(key in v for key in required))
        if "dependentRequired" in node:
            dependent = tuple((key, tuple(needs)) for key, needs in node["dependentRequired"].items())
            checks.append(lambda v: not isinstance(v, dict) or all(
                all(need in v for need in needs) for key, needs in dependent if key in v))
        return checks

    def _combinators(self, node: dict, base: str) -> list[Check]:
        checks = []
        if "allOf" in node:
            parts = [self.node(s, base) for s in node["allOf"]]
            checks.append(lambda v: all(part(v) for part in parts))
        if "anyOf" in node:
            options = [self.node(s, base) for s in node["anyOf"]]
            checks.append(lambda v: any(option(v) for option in options))
        if "oneOf" in node:
            options = [self.node(s, base) for s in node["oneOf"]]
            checks.append(lambda v: sum(1 for option in options if option(v)) == 1)
        if "not" in node:
            negated = self.node(node["not"], base)
            checks.append(lambda v: not negated(v))
        if "if" in node:
            condition = self.node(node["if"], base)
            then = self.node(node.get("then", True), base)
            otherwise = self.node(node.get("else", True), base)
            checks.append(lambda v: then(v) if condition(v) else otherwise(v))
        return checks

    # -- unevaluatedProperties --------------------------------------------------------------------

    def _unevaluated(self, node: dict, base: str) -> Check:
        rest = self.node(node["unevaluatedProperties"], base)

        def check(value) -> bool:
            if not isinstance(value, dict):
                return True
            evaluated = self._evaluated(node, base, value)
            return all(rest(v) for k, v in value.items() if k not in evaluated)

        return check

    def _evaluated(self, node, base: str, value: dict) -> set:
        """The keys of ``value`` that ``node`` evaluates, as ``jsonschema`` counts them
        (``find_evaluated_property_keys_by_schema``)."""
        if not isinstance(node, dict):
            return set()
        base = urljoin(base, node.get("$id", ""))
        keys: set = set()
        if "$ref" in node:
            _, target, target_base = self._resolve(node["$ref"], base)
            keys |= self._evaluated(target, target_base, value)
        if isinstance(node.get("properties"), dict):
            keys |= node["properties"].keys() & value.keys()
        for keyword in ("additionalProperties", "unevaluatedProperties"):
            if keyword in node:
                check = self.node(node[keyword], base)
                keys |= {k for k, v in value.items() if check(v)}
        for keyword in ("allOf", "oneOf", "anyOf"):
            for part in node.get(keyword, []):
                if self.node(part, base)(value):
                    keys |= self._evaluated(part, base, value)
        if "if" in node:
            if self.node(node["if"], base)(value):
                keys |= self._evaluated(node["if"], base, value)
                if "then" in node:
                    keys |= self._evaluated(node["then"], base, value)
            elif "else" in node:
                keys |= self._evaluated(node["else"], base, value)
        return keys
