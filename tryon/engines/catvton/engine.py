"""A CatVTON-compatible diffusion try-on engine, written for this project from the paper's description.

How it works (Chong et al., "CatVTON: Concatenation Is All You Need for Virtual Try-On with Diffusion Models"):
- parts: an SD1.5 inpainting UNet (9 input channels) with CatVTON's self-attention weights, its scheduler
  as DDIM, and the sd-vae-ft-mse VAE; no text encoder;
- cross-attention is bypassed: its output is its input;
- the VAE latents of the masked person and of the garment are stacked along the height axis; the mask
  latent is stacked with zeros; the UNet input is noise + mask + that condition (4 + 1 + 4 channels);
- classifier-free guidance: the unconditional branch sees zeros instead of the garment latent;
- the top half of the final latent is decoded; outside the mask the photo's own pixels are pasted back.

Weights: the attention weights are CC BY-NC-SA 4.0 (non-commercial use only), so the engine is opt-in.
"""

from __future__ import annotations

import logging
import os
import time
from dataclasses import dataclass

import numpy as np
import torch

from tryon.engines.base import Availability, Engine, EngineError, TryOnRequest
from tryon.engines.catvton.weights import AttentionReport, load_attention_weights
from tryon.engines.frame import Frame, category_mask
from tryon.pipeline import TryOnResult, _lap

log = logging.getLogger(__name__)

VARIANTS = {  # released attention weights: subfolder, (height, width) they were trained at
    "mix": ("mix-48k-1024", (1024, 768)),
    "vitonhd": ("vitonhd-16k-512", (512, 384)),
    "dresscode": ("dresscode-16k-512", (512, 384)),
}
LICENCE = "CC BY-NC-SA 4.0: the CatVTON attention weights may be used for non-commercial purposes only"


def opted_in() -> bool:
    """The engine is offered only when TRYON_ENGINES lists it (e.g. TRYON_ENGINES=catvton)."""
    return "catvton" in os.environ.get("TRYON_ENGINES", "").replace(",", " ").split()


class SkipCrossAttention:
    """An attention processor that returns its input: CatVTON has no text, so cross-attention passes through."""

    def __call__(self, attn, hidden_states, *args, **kwargs):
        return hidden_states


def bypass_cross_attention(unet) -> None:
    """Cross-attention (attn2) returns its input; self-attention keeps diffusers' standard processor."""
    from diffusers.models.attention_processor import AttnProcessor2_0

    unet.set_attn_processor({name: SkipCrossAttention() if name.endswith("attn2.processor") else AttnProcessor2_0()
                             for name in unet.attn_processors})  # fmt: skip


@dataclass
class Components:
    """The parts the engine runs; built from the Hub by `load_components`, or in code by the tests."""

    unet: torch.nn.Module
    vae: torch.nn.Module
    scheduler_config: dict
    size: tuple[int, int]  # (height, width) the engine works at
    report: AttentionReport | None = None
    revisions: dict[str, str] | None = None  # component -> the folder it was loaded from


def pick_dtype(device: str) -> torch.dtype:
    if not device.startswith("cuda"):
        return torch.float32
    return torch.bfloat16 if torch.cuda.is_bf16_supported() else torch.float16


def load_components(variant: str = "mix", device: str = "cuda", dtype: torch.dtype | None = None) -> Components:
    """Fetch the parts through the project's loader (pinned revisions, only the files needed) and attach
    the attention weights; raises EngineError with every place tried when something is missing."""
    from diffusers import AutoencoderKL, UNet2DConditionModel

    from tryon.hub import ModelNotFoundError, resolve

    if variant not in VARIANTS:
        raise EngineError(f"Unknown CatVTON weights {variant!r}; choose one of {', '.join(VARIANTS)}.")
    subfolder, size = VARIANTS[variant]
    dtype = dtype or pick_dtype(device)
    try:
        base, _ = resolve("sd15-inpainting")
        vae_dir, _ = resolve("sd-vae-ft-mse")
        attention_dir, _ = resolve(f"catvton-attention-{variant}")
    except ModelNotFoundError as e:
        raise EngineError(f"CatVTON weights are not available: {e}") from e
    unet = UNet2DConditionModel.from_pretrained(str(base), subfolder="unet", torch_dtype=dtype)
    if unet.config.in_channels != 9:
        raise EngineError(f"{base} is not an inpainting UNet (it takes {unet.config.in_channels} channels, not 9).")
    bypass_cross_attention(unet)
    report = load_attention_weights(unet, attention_dir / subfolder / "attention" / "model.safetensors")
    vae = AutoencoderKL.from_pretrained(str(vae_dir), torch_dtype=dtype)
    from diffusers import DDIMScheduler

    scheduler_config = dict(DDIMScheduler.load_config(str(base), subfolder="scheduler"))
    return Components(unet.to(device).eval(), vae.to(device).eval(), scheduler_config, size, report,
                      {"unet": str(base), "vae": str(vae_dir), "attention": str(attention_dir)})  # fmt: skip


class CatVTONEngine(Engine):
    name = "catvton"
    label = "CatVTON (diffusion, GPU)"
    licence = LICENCE
    uses_gpu = True

    def __init__(self, components: Components | None = None, variant: str | None = None,
                 device: str | None = None, eta: float = 1.0) -> None:  # fmt: skip
        self._components = components
        self.variant = variant or os.environ.get("TRYON_CATVTON_WEIGHTS", "mix")
        self._device = device
        self.eta = eta
        self._load_error: str | None = None

    @property
    def device(self) -> str:
        if self._device:
            return self._device
        from tryon.device import pick_device

        return pick_device()

    @property
    def size(self) -> tuple[int, int]:
        return self._components.size if self._components else VARIANTS.get(self.variant, VARIANTS["mix"])[1]

    def available(self) -> Availability:
        if self._components is not None:
            return Availability(True)
        if not opted_in():
            return Availability(False, "CatVTON is off: set TRYON_ENGINES=catvton to offer it (its weights are "
                                       "licensed CC BY-NC-SA 4.0, non-commercial).")  # fmt: skip
        try:
            import diffusers  # noqa: F401
        except ImportError:
            return Availability(False, "CatVTON needs the diffusers package, which is not installed.")
        if not self.device.startswith("cuda") and os.environ.get("TRYON_CATVTON_ALLOW_CPU") != "1":
            return Availability(False, "CatVTON needs a CUDA GPU (about 8 GB at 1024x768) and this machine has none.")
        if self._load_error:
            return Availability(False, self._load_error)
        return Availability(True)

    def load(self) -> Components:
        """Load the components now (the app does this at start-up on a GPU Space)."""
        if self._components is None:
            try:
                self._components = load_components(self.variant, self.device)
            except Exception as e:
                self._load_error = f"CatVTON could not be loaded: {e}"
                raise EngineError(self._load_error) from e
            log.info("CatVTON loaded: %s", self._components.report.summary() if self._components.report else "")
        return self._components

    def run(self, request: TryOnRequest) -> TryOnResult:
        timings: dict[str, float] = {}
        t0 = time.perf_counter()
        components = self.load()
        timings["load"] = _lap(t0)
        t = time.perf_counter()
        mask = self.repaint_mask(request)
        timings["mask"] = _lap(t)
        height, width = components.size
        frame = Frame.around(request.person.shape[:2], width / height, focus=mask)
        person = frame.take(request.person, (height, width))
        mask_in = frame.take(mask.astype(np.uint8) * 255, (height, width), fill=0, nearest=True)
        garment = Frame.padded(request.garment.shape[:2], width / height).take(request.garment, (height, width),
                                                                              fill=255)  # fmt: skip
        t = time.perf_counter()
        output = self.denoise(person, mask_in > 127, garment, request.steps, request.guidance, request.seed)
        timings["denoise"] = _lap(t)
        image = frame.paste_back(request.person, output, mask)
        timings["total"] = _lap(t0)
        return TryOnResult(image=image, mask=mask.astype(np.uint8) * 255, category=request.category,
                           person=request.person, timings_ms=timings, engine=self.name,
                           notes=())  # fmt: skip

    def repaint_mask(self, request: TryOnRequest) -> np.ndarray:
        """The caller's mask, else the category mask from the CPU engine's person analysis; minus keep_mask."""
        if request.mask is not None:
            mask = request.mask > 0
        else:
            from tryon.perception import estimate_body, shared_detectors
            from tryon.perception.checks import check_supported

            body = estimate_body(request.person, shared_detectors())
            check_supported(body, request.category)
            mask = category_mask(body, request.category)
        if request.keep_mask is not None:
            mask = mask & ~(request.keep_mask > 0)
        return mask

    @torch.no_grad()
    def denoise(self, person: np.ndarray, mask: np.ndarray, garment: np.ndarray, steps: int, guidance: float,
                seed: int) -> np.ndarray:  # fmt: skip
        """One try-on at the engine's size: RGB uint8 person, bool mask, RGB uint8 garment -> RGB uint8."""
        from diffusers import DDIMScheduler
        from tqdm.auto import tqdm

        c = self.load()
        device, dtype = c.unet.device, c.unet.dtype
        scheduler = DDIMScheduler.from_config(c.scheduler_config)  # one per call: schedulers keep state

        def to_tensor(rgb: np.ndarray) -> torch.Tensor:
            x = torch.from_numpy(np.ascontiguousarray(rgb)).permute(2, 0, 1)[None].float() / 127.5 - 1.0
            return x.to(device, dtype)

        m = torch.from_numpy(mask.astype(np.float32))[None, None].to(device, dtype)
        person_latent = self.encode(to_tensor(person) * (m < 0.5))
        garment_latent = self.encode(to_tensor(garment))
        mask_latent = torch.nn.functional.interpolate(m, size=person_latent.shape[-2:], mode="nearest")
        condition = torch.cat([person_latent, garment_latent], dim=-2)  # stacked along the height
        mask_condition = torch.cat([mask_latent, torch.zeros_like(mask_latent)], dim=-2)
        guided = guidance > 1.0
        if guided:  # the unconditional branch sees no garment
            condition = torch.cat([torch.cat([person_latent, torch.zeros_like(garment_latent)], dim=-2), condition])
            mask_condition = torch.cat([mask_condition, mask_condition])
        generator = torch.Generator("cpu").manual_seed(int(seed))  # same noise on every device
        latents = torch.randn(person_latent.shape[:2] + condition.shape[-2:], generator=generator)
        latents = latents.to(device, dtype) * scheduler.init_noise_sigma
        scheduler.set_timesteps(int(steps), device=device)
        for t in tqdm(scheduler.timesteps, desc="CatVTON", disable=None):
            x = torch.cat([latents, latents]) if guided else latents
            x = torch.cat([scheduler.scale_model_input(x, t), mask_condition, condition], dim=1)
            noise = c.unet(x, t, encoder_hidden_states=None, return_dict=False)[0]
            if guided:
                unconditional, conditional = noise.chunk(2)
                noise = unconditional + guidance * (conditional - unconditional)
            latents = scheduler.step(noise, t, latents, eta=self.eta, generator=generator).prev_sample
        person_half = latents[..., : person_latent.shape[-2], :]
        image = c.vae.decode(person_half / c.vae.config.scaling_factor).sample
        image = (image.float() / 2 + 0.5).clamp(0, 1)
        if not torch.isfinite(image).all() or not torch.isfinite(latents).all():
            raise EngineError("CatVTON produced NaN or infinite values (try float32, or fewer guidance).")
        return (image[0].permute(1, 2, 0).cpu().numpy() * 255).round().astype(np.uint8)

    def encode(self, x: torch.Tensor) -> torch.Tensor:
        vae = self.load().vae
        return vae.encode(x).latent_dist.mode() * vae.config.scaling_factor
