"""Building rules as upstream's policy code does: ``rule("get").groups("").resources("pods")`` is
``rbacv1helpers.NewRule("get").Groups("").Resources("pods").RuleOrDie()`` (``pkg/apis/rbac/v1/helpers.go``):
every list is de-duplicated and sorted, and malformed rules are refused at build time. Also the
compact rule text of escalation messages (``CompactString``)."""

from __future__ import annotations

from clustersim.api.rbac import PolicyRule

__all__ = ["RuleBuilder", "compact_string", "go_quote_list", "rule"]

_NAMELESS_VERBS = ("list", "watch", "create", "deletecollection")


class RuleBuilder:
    """``PolicyRuleBuilder``."""

    __slots__ = ("_verbs", "_groups", "_resources", "_names", "_urls")

    def __init__(self, verbs: tuple[str, ...]) -> None:
        self._verbs = verbs
        self._groups: tuple[str, ...] = ()
        self._resources: tuple[str, ...] = ()
        self._names: tuple[str, ...] = ()
        self._urls: tuple[str, ...] = ()

    def groups(self, *groups: str) -> RuleBuilder:
        """``Groups``."""
        self._groups += groups
        return self

    def resources(self, *resources: str) -> RuleBuilder:
        """``Resources``."""
        self._resources += resources
        return self

    def names(self, *names: str) -> RuleBuilder:
        """``Names``."""
        self._names += names
        return self

    def urls(self, *urls: str) -> RuleBuilder:
        """``URLs``."""
        self._urls += urls
        return self

    def build(self) -> PolicyRule:
        """``RuleOrDie``: a sorted rule, or ValueError for a malformed one."""
        if not self._verbs:
            raise ValueError("verbs are required")
        if self._urls:
            if self._groups or self._resources or self._names:
                raise ValueError("non-resource rule may not have apiGroups, resources, or resourceNames")
        elif self._resources:
            if not self._groups:
                raise ValueError("resource rule must have apiGroups")
            bad = [v for v in self._verbs if v in _NAMELESS_VERBS]
            if self._names and bad:
                raise ValueError(f"verbs {bad} do not have names available")
        else:
            raise ValueError("a rule must have either nonResourceURLs or resources")
        return PolicyRule(verbs=_sorted(self._verbs), api_groups=_sorted(self._groups), resources=_sorted(self._resources),
                          resource_names=_sorted(self._names), non_resource_urls=_sorted(self._urls))


def _sorted(values: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(sorted(set(values)))


def rule(*verbs: str) -> RuleBuilder:
    """``NewRule(verbs...)``."""
    return RuleBuilder(verbs)


def go_quote_list(values: tuple[str, ...] | list[str]) -> str:
    """Go's ``%q`` of a ``[]string``: ``["a" "b"]``."""
    return "[" + " ".join(f'"{v}"' for v in values) + "]"


def compact_string(r: PolicyRule) -> str:
    """``rbacv1helpers.CompactString``: ``{APIGroups:["apps"], Resources:["pods"], Verbs:["get"]}``."""
    parts = [f"{label}:{go_quote_list(values)}" for label, values in
             (("APIGroups", r.api_groups), ("Resources", r.resources), ("NonResourceURLs", r.non_resource_urls),
              ("ResourceNames", r.resource_names), ("Verbs", r.verbs)) if values]
    return "{" + ", ".join(parts) + "}"
