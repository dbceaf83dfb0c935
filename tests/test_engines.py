"""Engines: the shared interface, the CatVTON-compatible engine on tiny random parts, selection and fallback.

Everything runs offline on the CPU in seconds: the diffusion parts are built in code (tests/tiny_catvton.py).
"""

from __future__ import annotations

import numpy as np
import pytest
import torch

from tests.tiny_catvton import SIZE, tiny_components, tiny_unet, write_release
from tryon import TryOnInputError
from tryon.engines import CpuEngine, EngineError, TryOnRequest, choose, engines, register, run_tryon
from tryon.engines.catvton import AttentionWeightsError, CatVTONEngine, load_attention_weights, load_components
from tryon.engines.catvton.weights import release_state_dict
from tryon.engines.frame import Frame, category_mask
from tryon.imageio import load_image


@pytest.fixture(scope="module")
def tiny_engine():
    return CatVTONEngine(components=tiny_components(), device="cpu")


def _inputs(seed=0):
    rng = np.random.default_rng(seed)
    person = rng.integers(0, 255, (*SIZE, 3), dtype=np.uint8)
    garment = rng.integers(0, 255, (*SIZE, 3), dtype=np.uint8)
    mask = np.zeros(SIZE, bool)
    mask[16:48, 8:40] = True
    return person, mask, garment


# --- the denoiser -----------------------------------------------------------------------------------------


def test_person_and_garment_latents_are_stacked_along_the_height(tiny_engine):
    person, mask, garment = _inputs()
    seen = []
    unet = tiny_engine.load().unet
    hook = unet.register_forward_pre_hook(lambda m, args, kwargs: seen.append(args[0].shape), with_kwargs=True)
    try:
        out = tiny_engine.denoise(person, mask, garment, steps=3, guidance=2.5, seed=0)
        tiny_engine.denoise(person, mask, garment, steps=2, guidance=1.0, seed=0)
    finally:
        hook.remove()
    latent_h, latent_w = SIZE[0] // 2, SIZE[1] // 2  # the tiny VAE halves the size
    # Guided: a batch of 2 (no garment / garment); 4 noise + 1 mask + 4 condition channels; twice the height.
    assert seen[:3] == [torch.Size([2, 9, 2 * latent_h, latent_w])] * 3
    assert seen[3:] == [torch.Size([1, 9, 2 * latent_h, latent_w])] * 2
    assert out.shape == (*SIZE, 3) and out.dtype == np.uint8


def test_the_same_seed_gives_the_same_picture_and_another_seed_another(tiny_engine):
    person, mask, garment = _inputs()
    a = tiny_engine.denoise(person, mask, garment, steps=3, guidance=2.5, seed=7)
    b = tiny_engine.denoise(person, mask, garment, steps=3, guidance=2.5, seed=7)
    c = tiny_engine.denoise(person, mask, garment, steps=3, guidance=2.5, seed=8)
    assert np.array_equal(a, b)
    assert np.abs(a.astype(int) - c.astype(int)).mean() > 0.5


def test_another_garment_changes_the_output(tiny_engine):
    person, mask, garment = _inputs()
    other = np.full_like(garment, 255)
    other[..., 1:] = 0  # plain red
    a = tiny_engine.denoise(person, mask, garment, steps=3, guidance=2.5, seed=0)
    b = tiny_engine.denoise(person, mask, other, steps=3, guidance=2.5, seed=0)
    # Random tiny weights pass little between the stacked halves, but a garment that is ignored changes nothing.
    assert np.abs(a.astype(int) - b.astype(int)).mean() > 0.1


def test_pixels_outside_the_mask_keep_their_values(tiny_engine, portraits, catalog_path):
    person = load_image(portraits["grace_hopper"])
    request = TryOnRequest.create(person, catalog_path("tee-red-solid"), "upper", steps=2, seed=3)
    result = tiny_engine.run(request)
    outside = result.mask == 0
    assert result.engine == "catvton" and result.image.shape == person.shape
    assert np.array_equal(result.image[outside], person[outside])
    changed = np.abs(result.image.astype(int) - person.astype(int)).max(axis=2) > 10
    assert changed[~outside].mean() > 0.3  # inside the mask the engine's picture replaced the photo
    # The automatic mask covers the top and spares the face.
    x0, y0, x1, y1 = _face_box(person)
    assert (result.mask[y0:y1, x0:x1] == 0).mean() > 0.9
    assert 0.05 < (result.mask > 0).mean() < 0.7


def _face_box(person):
    from tryon.perception import estimate_body, shared_detectors

    return estimate_body(person, shared_detectors()).face_box


# --- shared pre/post-processing ---------------------------------------------------------------------------


def test_frame_crops_to_the_engine_aspect_around_the_mask_and_pastes_back_exactly():
    photo = np.random.default_rng(0).integers(0, 255, (400, 500, 3), dtype=np.uint8)
    mask = np.zeros((400, 500), bool)
    mask[100:300, 300:420] = True
    frame = Frame.around(photo.shape[:2], 3 / 4, focus=mask)
    assert frame.width / frame.height == pytest.approx(3 / 4, abs=0.01)
    assert frame.x0 <= 300 and frame.x1 >= 420 and frame.x0 >= 0 and frame.x1 <= 500
    cut = frame.take(photo, (128, 96))
    assert cut.shape == (128, 96, 3)
    out = frame.paste_back(photo, np.zeros((128, 96, 3), np.uint8), mask)
    assert np.array_equal(out[~mask], photo[~mask])
    assert out[150:250, 320:400].max() < 30  # the engine's (black) picture inside the mask


def test_frame_pads_a_garment_with_white():
    garment = np.zeros((100, 300, 3), np.uint8)
    frame = Frame.padded(garment.shape[:2], 3 / 4)
    out = frame.take(garment, (128, 96), fill=255)
    assert out[0].min() == 255 and out[-1].min() == 255 and out[64].max() == 0


def test_category_masks_follow_the_category(pipeline, portraits):
    from tryon.perception import estimate_body

    body = estimate_body(load_image(portraits["astronaut"]), pipeline.detectors)
    upper = category_mask(body, "upper")
    dress = category_mask(body, "dress")
    assert upper.sum() > 0.05 * upper.size
    assert not (upper & (body.face > 0.5)).any()
    assert dress.sum() >= upper.sum()


# --- the attention weights ---------------------------------------------------------------------------------


def _attn1(unet):
    return {k: v for k, v in unet.state_dict().items() if ".attn1." in k}


@pytest.mark.parametrize("processor_slot", [True, False], ids=["with-processor-slot", "stock-modules"])
@pytest.mark.parametrize("prefer", ["lexicographic", "first"], ids=["lexicographic-alias", "first-alias"])
def test_release_layout_with_alias_keys_loads_exactly(tmp_path, processor_slot, prefer):
    from safetensors.torch import save_file

    trained, fresh = tiny_unet(1), tiny_unet(2)
    state = release_state_dict(trained, processor_slot=processor_slot, prefer=prefer)
    save_file(state, str(tmp_path / "model.safetensors"))
    report = load_attention_weights(fresh, tmp_path / "model.safetensors")
    want, got = _attn1(trained), _attn1(fresh)
    assert want.keys() == got.keys() and all(torch.equal(want[k], got[k]) for k in want)
    assert report.modules == 7 and report.tensors == len(want) == 35
    if prefer == "lexicographic":
        assert report.aliases > 0  # e.g. "10.weight" is the second module's to_k
    assert "0 missing, 0 unexpected" in report.summary()
    # Everything else in the UNet is untouched.
    base = tiny_unet(2).state_dict()
    assert all(torch.equal(v, base[k]) for k, v in fresh.state_dict().items() if ".attn1." not in k)


def test_unet_names_with_prefixes_and_old_attention_names_load(tmp_path):
    from safetensors.torch import save_file

    trained, fresh = tiny_unet(1), tiny_unet(2)
    state = {}
    for k, v in _attn1(trained).items():
        k = k.replace(".to_q.", ".query.").replace(".to_out.0.", ".proj_attn.")
        state["module.unet." + k] = v.clone()
    save_file(state, str(tmp_path / "model.safetensors"))
    report = load_attention_weights(fresh, tmp_path / "model.safetensors")
    assert all(torch.equal(v, _attn1(fresh)[k]) for k, v in _attn1(trained).items())
    assert report.layout == "UNet names" and report.aliases == 3 * 7  # query, proj_attn weight + bias


def _saved(tmp_path, state):
    from safetensors.torch import save_file

    save_file(state, str(tmp_path / "model.safetensors"))
    return tmp_path / "model.safetensors"


def test_missing_keys_are_refused(tmp_path):
    state = release_state_dict(tiny_unet(1))
    state.pop(sorted(state)[0])
    with pytest.raises(AttentionWeightsError, match="1 missing"):
        load_attention_weights(tiny_unet(2), _saved(tmp_path, state))


def test_unexpected_keys_are_refused(tmp_path):
    state = release_state_dict(tiny_unet(1))
    state["9999.weight"] = torch.zeros(3)
    with pytest.raises(AttentionWeightsError, match="1 unexpected"):
        load_attention_weights(tiny_unet(2), _saved(tmp_path, state))


def test_weights_for_another_model_are_refused(tmp_path):
    state = release_state_dict(tiny_unet(1))
    key = next(k for k in sorted(state) if k.endswith("to_q.weight"))
    state[key] = torch.zeros(state[key].shape[0], state[key].shape[1] + 1)
    with pytest.raises(AttentionWeightsError, match="has shape"):
        load_attention_weights(tiny_unet(2), _saved(tmp_path, state))


def test_aliases_with_different_values_are_refused(tmp_path):
    state = release_state_dict(tiny_unet(1))
    state["1.weight"] = state["0.to_q.weight"] + 1  # "1.weight" is the first module's to_q too
    with pytest.raises(AttentionWeightsError, match="aliases"):
        load_attention_weights(tiny_unet(2), _saved(tmp_path, state))


def test_a_truncated_file_gives_a_clear_error(tmp_path):
    path = _saved(tmp_path, release_state_dict(tiny_unet(1)))
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(AttentionWeightsError, match="truncated"):
        load_attention_weights(tiny_unet(2), path)
    with pytest.raises(AttentionWeightsError, match="does not exist"):
        load_attention_weights(tiny_unet(2), tmp_path / "nope.safetensors")


def test_components_load_through_the_project_loader_offline(tmp_path, monkeypatch):
    written = write_release(tmp_path / "weights")
    monkeypatch.setenv("TRYON_WEIGHTS", str(tmp_path / "weights"))
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    components = load_components("mix", device="cpu")
    assert components.unet.config.in_channels == 9 and components.size == (1024, 768)
    assert components.report.tensors == len(written) and components.report.aliases > 0
    got = _attn1(components.unet)
    assert all(torch.equal(v, got[k]) for k, v in written.items())
    # Cross-attention passes its input through.
    assert all(type(p).__name__ == "SkipCrossAttention"
               for n, p in components.unet.attn_processors.items() if n.endswith("attn2.processor"))  # fmt: skip


def test_missing_weights_name_every_place_tried(tmp_path, monkeypatch):
    import huggingface_hub.constants as hf_constants

    monkeypatch.setenv("TRYON_WEIGHTS", str(tmp_path / "no-weights"))
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setattr(hf_constants, "HF_HUB_CACHE", str(tmp_path / "no-cache"))
    with pytest.raises(EngineError) as err:
        load_components("mix", device="cpu")
    message = str(err.value)
    assert "sd15-inpainting" in message and "HF_HUB_OFFLINE" in message and str(tmp_path / "no-weights") in message


# --- selection and fallback --------------------------------------------------------------------------------


class _Broken(CatVTONEngine):
    def run(self, request):
        raise EngineError("CUDA out of memory")


@pytest.fixture
def engine_registry():
    saved = dict(engines())
    yield
    engines().clear()
    engines().update(saved)


def test_catvton_is_off_unless_opted_in_and_needs_a_gpu(monkeypatch):
    monkeypatch.delenv("TRYON_ENGINES", raising=False)
    assert "TRYON_ENGINES" in CatVTONEngine(device="cpu").available().reason
    monkeypatch.setenv("TRYON_ENGINES", "catvton")
    status = CatVTONEngine(device="cpu").available()
    assert not status and "GPU" in status.reason


def test_auto_picks_the_best_available_engine(engine_registry, tiny_engine):
    assert choose("auto")[0].name == "cpu"  # no GPU here, CatVTON not opted in
    register(tiny_engine)
    assert choose("auto") == (tiny_engine, "")
    assert choose("cpu")[0].name == "cpu"
    with pytest.raises(TryOnInputError, match="Unknown engine"):
        choose("dall-e")


def test_unavailable_or_failing_engines_fall_back_to_the_cpu_with_a_notice(engine_registry, portraits,
                                                                           catalog_path):  # fmt: skip
    request = TryOnRequest.create(portraits["grace_hopper"], catalog_path("tee-red-solid"), "upper")
    result, notice = run_tryon(request, "catvton")  # not available here
    assert result.engine == "cpu" and "not available" in notice
    register(_Broken(components=tiny_components(), device="cpu"))
    result, notice = run_tryon(request, "auto")
    assert result.engine == "cpu" and "out of memory" in notice
    assert (result.mask > 0).mean() > 0.05  # a real CPU try-on, not an empty picture


def test_input_errors_are_not_hidden_by_a_fallback(engine_registry, tiny_engine, catalog_path):
    register(tiny_engine)
    wall = np.full((500, 400, 3), 230, np.uint8)
    with pytest.raises(TryOnInputError, match="No person"):
        run_tryon(TryOnRequest.create(wall, catalog_path("tee-red-solid"), "upper"), "catvton")


def test_requests_check_their_knobs(portraits, catalog_path):
    with pytest.raises(TryOnInputError, match="steps"):
        TryOnRequest.create(portraits["grace_hopper"], catalog_path("tee-red-solid"), steps=0)
    with pytest.raises(TryOnInputError, match="category"):
        TryOnRequest.create(portraits["grace_hopper"], catalog_path("tee-red-solid"), category="hat")
    assert CpuEngine().available()
