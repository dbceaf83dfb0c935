"""Attach CatVTON's released self-attention weights to a stock SD1.5 inpainting UNet, and check them.

The release (`<subfolder>/attention/model.safetensors`) stores the UNet's self-attention (`attn1`) modules
as one flat `ModuleList` built from every module whose name contains "attn1": each attention module, then
each of its sub-modules (to_q, to_k, to_v, to_out, to_out.0, to_out.1, and the attention processor when it
is a module). A weight therefore has several names ("0.to_q.weight" is also "1.weight"), and the file keeps
one of them per tensor, not always the same one. `resolve_keys` maps every key back to the UNet parameter
it belongs to, whichever alias it uses; it also accepts full UNet names ("down_blocks.0...attn1.to_q.weight",
optionally prefixed with "unet." or "module.") and the old attention names (query, key, value, proj_attn).

Loading is strict: every self-attention parameter must be present with its shape, no key may be left over,
aliases of one parameter must hold the same values, and a damaged file gives a clear error.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import torch

LEGACY_NAMES = {"query": "to_q", "key": "to_k", "value": "to_v", "proj_attn": "to_out.0"}
PREFIXES = ("module.", "unet.", "model.")


class AttentionWeightsError(RuntimeError):
    """The attention weights file is missing, damaged, or does not fit the UNet."""


@dataclass(frozen=True)
class AttentionReport:
    """What `load_attention_weights` attached."""

    file: str
    modules: int  # self-attention modules in the UNet
    tensors: int  # parameters loaded
    parameters: int  # numbers loaded
    keys: int  # keys in the file
    aliases: int  # keys that used another name than "<module>.<param>" and were resolved
    layout: str  # "flat stride N" or "unet names"

    def summary(self) -> str:
        return (f"{self.modules} self-attention modules, {self.tensors} tensors ({self.parameters / 1e6:.2f} M "
                f"parameters) from {self.keys} keys; {self.aliases} alias keys resolved ({self.layout}); "
                f"0 missing, 0 unexpected")  # fmt: skip


def self_attention_modules(unet: torch.nn.Module) -> list[tuple[str, torch.nn.Module]]:
    """The UNet's self-attention modules, in module order."""
    return [(name, m) for name, m in unet.named_modules() if name.endswith("attn1")]


def expected_parameters(unet: torch.nn.Module) -> dict[str, torch.nn.Parameter]:
    """Full UNet name -> parameter, for every self-attention parameter."""
    out: dict[str, torch.nn.Parameter] = {}
    for name, module in self_attention_modules(unet):
        for pname, p in module.named_parameters():
            out[f"{name}.{pname}"] = p
    return out


def _strip(key: str) -> str:
    changed = True
    while changed:
        changed = False
        for prefix in PREFIXES:
            if key.startswith(prefix):
                key, changed = key[len(prefix) :], True
    for old, new in LEGACY_NAMES.items():
        key = re.sub(rf"(^|\.){old}\.", rf"\g<1>{new}.", key)
    return key


@dataclass
class KeyMap:
    """How the keys of a file map onto the UNet's self-attention parameters."""

    found: dict[str, list[str]]  # parameter name -> the file keys that hold it
    unexpected: list[str]  # keys that fit no parameter
    aliases: int  # keys that named a sub-module ("1.weight" for "0.to_q.weight") or an old attention name
    layout: str  # "flat, stride N" or "UNet names"


def resolve_keys(keys: list[str], unet: torch.nn.Module) -> KeyMap:
    """Map file keys to UNet parameter names.

    Flat keys are tried with each plausible stride (sub-modules per attention module, with or without the
    processor slot) and the stride that explains the most keys wins."""
    modules = self_attention_modules(unet)
    expected = expected_parameters(unet)
    if not modules:
        raise AttentionWeightsError("This UNet has no self-attention (attn1) modules: it is not an SD1.5 UNet.")
    subnames = [n for n, _ in modules[0][1].named_modules()]  # "", "to_q", ..., "to_out.1"
    flat = any(_strip(k).split(".", 1)[0].isdigit() for k in keys)
    best: KeyMap | None = None
    best_score = None
    for stride in (len(subnames) + 1, len(subnames)):  # the release's processor is a module; stock ones are not
        found: dict[str, list[str]] = {}
        unexpected: list[str] = []
        aliases = 0
        for raw in keys:
            key = _strip(raw)
            target, via_sub = (key, False) if key in expected else _flat_target(key, stride, subnames, modules)
            if target in expected:
                found.setdefault(target, []).append(raw)
                aliases += int(via_sub or _renamed(raw))
            else:
                unexpected.append(raw)
        score = len(unexpected) + len(set(expected) - set(found))
        if best_score is None or score < best_score:
            layout = f"flat, stride {stride}" if flat else "UNet names"
            best, best_score = KeyMap(found, unexpected, aliases, layout), score
    assert best is not None
    return best


def _renamed(raw: str) -> bool:
    """The key used an old attention name (query, key, value, proj_attn)."""
    return any(re.search(rf"(^|\.){old}\.", raw) for old in LEGACY_NAMES)


def _flat_target(key: str, stride: int, subnames: list[str], modules) -> tuple[str | None, bool]:
    head, _, rest = key.partition(".")
    if not head.isdigit() or not rest:
        return None, False
    block, offset = divmod(int(head), stride)
    if block >= len(modules) or offset >= len(subnames):
        return None, False  # past the last module, or the processor slot (it holds no weights)
    sub = subnames[offset]
    return f"{modules[block][0]}.{sub + '.' if sub else ''}{rest}", offset > 0


def read_tensors(path: str | Path) -> dict[str, torch.Tensor]:
    """Every tensor in a safetensors file; a missing, truncated or foreign file gives AttentionWeightsError."""
    from safetensors import safe_open

    path = Path(path)
    if not path.is_file():
        raise AttentionWeightsError(f"The attention weights file {path} does not exist.")
    size = path.stat().st_size
    try:
        with safe_open(str(path), framework="pt") as f:
            return {k: f.get_tensor(k) for k in f.keys()}  # noqa: SIM118 - safe_open has no __iter__
    except Exception as e:  # noqa: BLE001 - safetensors raises its own error types for every kind of damage
        raise AttentionWeightsError(
            f"The attention weights file {path} ({size:,} bytes) cannot be read ({type(e).__name__}: {e}). "
            "It is probably truncated or not a safetensors file: delete it and download it again."
        ) from e


def load_attention_weights(unet: torch.nn.Module, path: str | Path) -> AttentionReport:
    """Copy the released self-attention weights into `unet`, strictly; returns what was loaded."""
    tensors = read_tensors(path)
    expected = expected_parameters(unet)
    keymap = resolve_keys(list(tensors), unet)
    found, unexpected = keymap.found, keymap.unexpected
    missing = sorted(set(expected) - set(found))
    problems: list[str] = []
    if missing:
        problems.append(f"{len(missing)} missing (e.g. {', '.join(missing[:3])})")
    if unexpected:
        problems.append(f"{len(unexpected)} unexpected (e.g. {', '.join(sorted(unexpected)[:3])})")
    for name, keys in found.items():
        want = tuple(expected[name].shape)
        for k in keys:
            if tuple(tensors[k].shape) != want:
                problems.append(f"{k} has shape {tuple(tensors[k].shape)} but {name} needs {want}")
        first = tensors[keys[0]]
        for k in keys[1:]:
            if tensors[k].shape == first.shape and not torch.equal(tensors[k], first):
                problems.append(f"{keys[0]} and {k} are aliases of {name} but hold different values")
    if problems:
        raise AttentionWeightsError(
            f"The attention weights in {path} do not fit this UNet: " + "; ".join(problems[:6])
            + ". Check that the base model is SD1.5 inpainting and the file is CatVTON's attention/model.safetensors."
        )  # fmt: skip
    with torch.no_grad():
        for name, keys in found.items():
            p = expected[name]
            p.copy_(tensors[keys[0]].to(device=p.device, dtype=p.dtype))
    return AttentionReport(file=str(path), modules=len(self_attention_modules(unet)), tensors=len(found),
                           parameters=sum(expected[n].numel() for n in found), keys=len(tensors),
                           aliases=keymap.aliases, layout=keymap.layout)  # fmt: skip


def release_state_dict(unet: torch.nn.Module, processor_slot: bool = True,
                       prefer: str = "lexicographic") -> dict[str, torch.Tensor]:  # fmt: skip
    """The UNet's self-attention weights keyed the way the release stores them (see the module docstring).

    Used by the tests to build synthetic checkpoints in the release layout. One key per tensor is kept:
    the lexicographically first alias, as `safetensors.torch.save_model` does when it drops shared names."""
    modules = self_attention_modules(unet)
    subnames = [n for n, _ in modules[0][1].named_modules()]
    stride = len(subnames) + (1 if processor_slot else 0)
    names: dict[int, list[str]] = {}
    for b, (_, module) in enumerate(modules):
        subs = dict(module.named_modules())
        for offset, sub in enumerate(subnames):
            for pname, p in subs[sub].named_parameters(recurse=True):
                names.setdefault(id(p), []).append(f"{b * stride + offset}.{pname}")
    by_id = {id(p): p for _, m in modules for p in m.parameters()}
    out: dict[str, torch.Tensor] = {}
    for pid, aliases in names.items():
        key = sorted(aliases)[0] if prefer == "lexicographic" else aliases[0]
        out[key] = by_id[pid].detach().clone().contiguous()
    return out
