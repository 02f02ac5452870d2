"""A small CloudFormation intrinsic-function resolver: enough of `Ref` (resources, pseudo parameters
and the template's parameters), `Fn::GetAtt`, `Fn::Sub`, `Fn::Join`, `Fn::Select` and `Fn::If` to turn
`infra.template.resources()` into concrete API arguments for the local runtime."""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

_SUB_VAR = re.compile(r"\$\{([^}!][^}]*)\}")

# logical id, attribute ("Ref" for Ref) -> value; provided by the provisioner, which creates on demand
Lookup = Callable[[str, str], Any]


class NoValue:
    """`Ref: AWS::NoValue`: the property is dropped."""


NO_VALUE = NoValue()


@dataclass(frozen=True)
class Pseudo:
    account_id: str = "123456789012"
    region: str = "us-east-1"
    partition: str = "aws"
    stack_name: str = "local"

    def get(self, name: str) -> Any:
        values: dict[str, Any] = {
            "AWS::AccountId": self.account_id, "AWS::Region": self.region, "AWS::Partition": self.partition,
            "AWS::StackName": self.stack_name, "AWS::URLSuffix": "amazonaws.com", "AWS::NoValue": NO_VALUE,
            "AWS::StackId": f"arn:{self.partition}:cloudformation:{self.region}:{self.account_id}:stack/"
                            f"{self.stack_name}/00000000-0000-0000-0000-000000000000",
        }
        if name not in values:
            raise KeyError(f"unknown pseudo parameter {name}")
        return values[name]


class Resolver:
    """`parameters`: the template's parameters' values; `conditions`: its Conditions (evaluated on use)."""

    def __init__(self, pseudo: Pseudo, lookup: Lookup, parameters: dict[str, Any] | None = None,
                 conditions: dict[str, Any] | None = None) -> None:
        self.pseudo = pseudo
        self._lookup = lookup
        self.parameters = parameters or {}
        self.conditions = conditions or {}

    def condition(self, name: str) -> bool:
        return bool(self._evaluate(self.conditions[name]))

    def _evaluate(self, value: Any) -> Any:
        if isinstance(value, dict) and len(value) == 1:
            (key, arg), = value.items()
            if key == "Fn::Equals":
                return self._evaluate(arg[0]) == self._evaluate(arg[1])
            if key == "Fn::Not":
                return not self._evaluate(arg[0])
            if key == "Condition":
                return self.condition(arg)
        return self.resolve(value)

    def resolve(self, value: Any) -> Any:
        if isinstance(value, list):
            return [r for r in (self.resolve(v) for v in value) if r is not NO_VALUE]
        if not isinstance(value, dict):
            return value
        if len(value) == 1:
            (key, arg), = value.items()
            if key == "Ref":
                return self._ref(arg)
            if key == "Fn::GetAtt":
                logical, attr = arg.split(".", 1) if isinstance(arg, str) else arg
                return self._lookup(logical, self.resolve(attr))
            if key == "Fn::Sub":
                return self._sub(arg)
            if key == "Fn::Join":
                sep, parts = arg
                return str(sep).join(str(p) for p in self.resolve(parts))
            if key == "Fn::If":
                name, when_true, when_false = arg
                return self.resolve(when_true if self.condition(name) else when_false)
            if key == "Fn::Select":
                index, items = arg
                return self.resolve(items)[int(self.resolve(index))]
            if key.startswith("Fn::"):
                raise ValueError(f"unsupported intrinsic function {key}")
        return {k: r for k, r in ((k, self.resolve(v)) for k, v in value.items()) if r is not NO_VALUE}

    def _ref(self, name: str) -> Any:
        if name.startswith("AWS::"):
            return self.pseudo.get(name)
        if name in self.parameters:
            return self.parameters[name]
        return self._lookup(name, "Ref")

    def _sub(self, arg: Any) -> str:
        template, variables = (arg, {}) if isinstance(arg, str) else (arg[0], arg[1])
        resolved = {k: self.resolve(v) for k, v in variables.items()}

        def replace(match: re.Match[str]) -> str:
            name = match.group(1)
            if name in resolved:
                return str(resolved[name])
            if name.startswith("AWS::"):
                return str(self.pseudo.get(name))
            if "." in name:
                logical, attr = name.split(".", 1)
                return str(self._lookup(logical, attr))
            return str(self._lookup(name, "Ref"))

        return _SUB_VAR.sub(replace, template).replace("${!", "${")
