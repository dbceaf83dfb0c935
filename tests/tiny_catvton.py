"""Tiny random CatVTON components built in code: no downloads, a fraction of a second per denoise on the CPU.

The shapes follow SD1.5 inpainting (9 input channels, cross-attention blocks with attn1 and attn2, 4 latent
channels) at a toy width; the VAE halves the size instead of dividing it by 8.
"""

from __future__ import annotations

import json
from pathlib import Path

import torch

SIZE = (64, 48)  # (height, width) the tiny engine works at


def tiny_unet(seed: int = 0):
    from diffusers import UNet2DConditionModel

    torch.manual_seed(seed)
    return UNet2DConditionModel(
        sample_size=16, in_channels=9, out_channels=4, layers_per_block=1, block_out_channels=(16, 32),
        down_block_types=("CrossAttnDownBlock2D", "CrossAttnDownBlock2D"),
        up_block_types=("CrossAttnUpBlock2D", "CrossAttnUpBlock2D"),
        cross_attention_dim=16, attention_head_dim=4, norm_num_groups=8,
    ).eval()  # fmt: skip


def tiny_vae(seed: int = 0):
    from diffusers import AutoencoderKL

    torch.manual_seed(seed)
    return AutoencoderKL(
        in_channels=3, out_channels=3, latent_channels=4, block_out_channels=(8, 16), norm_num_groups=8,
        down_block_types=("DownEncoderBlock2D",) * 2, up_block_types=("UpDecoderBlock2D",) * 2,
    ).eval()  # fmt: skip


def scheduler_config() -> dict:
    from diffusers import DDIMScheduler

    scheduler = DDIMScheduler(num_train_timesteps=1000, beta_schedule="scaled_linear", beta_start=0.00085,
                              beta_end=0.012, clip_sample=False, set_alpha_to_one=False, steps_offset=1)  # fmt: skip
    return dict(scheduler.config)


def tiny_components(seed: int = 0):
    from tryon.engines.catvton import Components
    from tryon.engines.catvton.engine import bypass_cross_attention

    unet = tiny_unet(seed)
    bypass_cross_attention(unet)
    return Components(unet=unet, vae=tiny_vae(seed), scheduler_config=scheduler_config(), size=SIZE)


def write_release(weights: Path, variant_folder: str = "mix-48k-1024", seed: int = 1) -> dict[str, torch.Tensor]:
    """Write tiny parts in the layouts the loader expects under `weights` (the project's weights/ folder):
    the inpainting UNet and scheduler, the VAE, and attention weights in the release's flat alias layout.
    Returns the attention tensors written."""
    from safetensors.torch import save_file

    from tryon.engines.catvton.weights import release_state_dict

    unet = tiny_unet(seed)
    unet.save_pretrained(weights / "sd15-inpainting" / "unet")
    (weights / "sd15-inpainting" / "scheduler").mkdir(parents=True, exist_ok=True)
    (weights / "sd15-inpainting" / "scheduler" / "scheduler_config.json").write_text(
        json.dumps({"_class_name": "PNDMScheduler", **scheduler_config()})
    )
    tiny_vae(seed).save_pretrained(weights / "sd-vae-ft-mse")
    trained = tiny_unet(seed + 100)  # different attention weights from the base UNet's
    state = release_state_dict(trained)
    folder = weights / "catvton-attention-mix" / variant_folder / "attention"
    folder.mkdir(parents=True, exist_ok=True)
    save_file(state, str(folder / "model.safetensors"))
    return {k: v for k, v in trained.state_dict().items() if ".attn1." in k}
