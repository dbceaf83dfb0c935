"""Composition on a synthetic person: what the new garment covers and how the rest is filled."""

from __future__ import annotations

import numpy as np
import pytest

from tests.test_warp import SHOULDER_Y, H, S, W, synthetic_body
from tryon import masks as M
from tryon.compose import compose
from tryon.warp import WarpedGarment

SKIN = np.array([200, 160, 130], np.float32)
TOP = np.array([30, 30, 90], np.float32)
BOTTOMS = np.array([90, 140, 200], np.float32)
RED = np.array([220, 20, 20], np.float32)


def person_photo(body) -> np.ndarray:
    image = np.full((H, W, 3), 235, np.float32)
    for mask, colour in ((body.skin, SKIN), (body.upper_clothes, TOP), (body.lower_clothes, BOTTOMS),
                         (body.face, SKIN)):  # fmt: skip
        image[mask > 0.5] = colour
    return image.astype(np.uint8)


def wide_top(sleeveless: bool) -> WarpedGarment:
    """A loose red top's body, drawn wider than the torso: it reaches over where the arms hang."""
    alpha = np.zeros((H, W), np.float32)
    alpha[300:650, int(W / 2 - 1.1 * S) : int(W / 2 + 1.1 * S)] = 1
    colour = np.broadcast_to(RED, (H, W, 3)).astype(np.float32)
    return WarpedGarment(colour=colour, alpha=alpha, parts={"torso": alpha}, sleeveless=sleeveless)


def bare_upper_arms(body) -> np.ndarray:
    """The lower half of each bare upper arm, beside the torso (where a loose top's body reaches)."""
    sk = body.skeleton
    arms = np.zeros(body.size, bool)
    for side in ("left", "right"):
        upper_arm = [sk[f"{side}_shoulder"] + 0.5 * (sk[f"{side}_elbow"] - sk[f"{side}_shoulder"]), sk[f"{side}_elbow"]]
        arms |= M.band(body.size, upper_arm, 0.05 * S)
    return arms & (body.skin > 0.5) & (np.arange(H)[:, None] > 320) & (np.arange(H)[:, None] < 640)


def capped_old_top():
    """A synthetic wearer whose old top also caps each shoulder joint, and a new top with sleeves that
    stops a few pixels short of the old one's outline: (worn body, new top's bool mask, sleeve, torso)."""
    from dataclasses import replace

    body = synthetic_body()
    sk = body.skeleton
    f = lambda m: m.astype(np.float32)  # noqa: E731
    caps = np.zeros(body.size, bool)
    for side in ("left", "right"):
        caps |= M.band(body.size, [sk[f"{side}_shoulder"]], 0.2 * S)
    caps &= body.person > 0.5
    worn = replace(body, upper_clothes=f((body.upper_clothes > 0.5) | caps), skin=f((body.skin > 0.5) & ~caps))
    new = M.erode(worn.upper_clothes > 0.5, int(0.04 * S))
    alpha = new.astype(np.float32)
    sleeve = alpha * (np.abs(np.arange(W) - W / 2) > 0.45 * S)[None, :]
    torso = alpha * (np.abs(np.arange(W) - W / 2) <= 0.45 * S)[None, :]
    return worn, caps, new, sleeve, torso


@pytest.mark.parametrize("sleeveless", [True, False])
def test_bare_arms_stay_in_front_of_the_garments_body(sleeveless):
    """A loose top was drawn over the arms hanging beside it, like a cape (issue 3: sleeveless tops on
    half-body photos). Below the shoulder only sleeves cover an arm; the body of a top goes behind it."""
    body = synthetic_body()
    photo = person_photo(body)
    out = compose(photo, body, wide_top(sleeveless), "upper").image.astype(np.float32)
    arms = bare_upper_arms(body)
    assert arms.sum() > 500
    red = np.linalg.norm(out - RED, axis=2) < 60
    assert red[arms].mean() < 0.05
    assert np.abs(out[arms] - SKIN).max(axis=1).mean() < 12
    # The torso itself is the new garment.
    chest = (body.upper_clothes > 0.5) & ~M.dilate(~(body.upper_clothes > 0.5), int(0.1 * S))
    chest &= np.arange(H)[:, None] > 320
    assert red[chest].mean() > 0.95


def test_old_sleeves_of_a_sleeveless_top_become_arms_not_garment():
    """The wearer's old sleeves: a sleeveless top leaves them uncovered (filled with skin inside the
    arm's width), a top with sleeves found is not cut there."""
    body = synthetic_body()
    sk = body.skeleton
    sleeves = np.zeros(body.size, bool)
    for side in ("left", "right"):
        upper_arm = [sk[f"{side}_shoulder"] + 0.35 * (sk[f"{side}_elbow"] - sk[f"{side}_shoulder"]),
                     sk[f"{side}_shoulder"] + 0.6 * (sk[f"{side}_elbow"] - sk[f"{side}_shoulder"])]  # fmt: skip
        sleeves |= M.band(body.size, upper_arm, 0.06 * S)
    sleeves &= body.skin > 0.5
    f = lambda m: m.astype(np.float32)  # noqa: E731
    from dataclasses import replace

    clothed = replace(body, skin=f((body.skin > 0.5) & ~sleeves), upper_clothes=f((body.upper_clothes > 0.5) | sleeves))
    photo = person_photo(clothed)
    red_on_sleeves = {}
    for sleeveless in (True, False):
        out = compose(photo, clothed, wide_top(sleeveless), "upper").image.astype(np.float32)
        red = np.linalg.norm(out - RED, axis=2) < 60
        inside = sleeves & (np.arange(H)[:, None] > 320)
        red_on_sleeves[sleeveless] = red[inside].mean()
        if sleeveless:
            assert np.abs(out[inside] - SKIN).max(axis=1).mean() < 30  # skin continued from the bare arm
    assert red_on_sleeves[True] < 0.05
    assert red_on_sleeves[False] > 0.9


def test_old_top_over_the_bottoms_is_filled_with_the_bottoms():
    """Where the old top reached over the bottoms outside the body's shape, the fill drew backdrop:
    a hole cut into the skirt (issue 3, viton256_004912). What is behind there is the bottoms."""
    from dataclasses import replace

    body = synthetic_body()
    rows, cols = np.arange(H)[:, None], np.arange(W)[None, :]
    lobe = (body.lower_clothes > 0.5) & (rows > 630) & (rows < 680) & (np.abs(cols - W / 2 - 0.3 * S) < 0.15 * S)
    assert lobe.sum() > 200
    f = lambda m: m.astype(np.float32)  # noqa: E731
    worn = replace(
        body, upper_clothes=f((body.upper_clothes > 0.5) | lobe), lower_clothes=f((body.lower_clothes > 0.5) & ~lobe)
    )
    photo = person_photo(worn)
    photo[lobe] = TOP.astype(np.uint8)
    alpha = np.zeros((H, W), np.float32)
    alpha[250:600, int(W / 2 - 0.7 * S) : int(W / 2 + 0.7 * S)] = 1
    top = WarpedGarment(colour=np.broadcast_to(RED, (H, W, 3)).astype(np.float32), alpha=alpha, parts={"torso": alpha})
    out = compose(photo, worn, top, "upper").image.astype(np.float32)
    core = lobe & ~M.dilate(~lobe, 5)  # (the fill is feathered into its outline)
    assert np.abs(out[core] - BOTTOMS).max(axis=1).mean() < 25


def test_a_top_with_sleeves_covers_the_old_tops_shoulder_strip():
    """The new top's warped outline rarely meets the old one's at the shoulder: the strip of the old top
    left there was filled with skin and backdrop, a cut-out notch on every shoulder (issue 3, failure
    modes 1 and 2). A top with sleeves sits on the shoulders as the old one did."""
    from dataclasses import replace

    # The old top: the torso plus a cap over each shoulder joint; the new top stops a few pixels short
    # of the old one's outline around the shoulders.
    worn, caps, new, sleeve, torso = capped_old_top()
    body, sk, alpha = worn, worn.skeleton, new.astype(np.float32)
    photo = person_photo(worn)
    top = WarpedGarment(colour=np.broadcast_to(RED, (H, W, 3)).astype(np.float32), alpha=alpha,
                        parts={"torso": torso, "left_sleeve": sleeve})  # fmt: skip
    out = compose(photo, worn, top, "upper").image.astype(np.float32)
    strip = (worn.upper_clothes > 0.5) & ~new & caps
    outer = np.zeros(body.size, bool)
    for side in ("left", "right"):
        outer |= M.band(body.size, [sk[f"{side}_shoulder"]], 0.3 * S)
    strip &= outer & (np.abs(np.arange(W) - W / 2) > 0.4 * S)[None, :]
    assert strip.sum() > 100
    red = np.linalg.norm(out - RED, axis=2) < 60
    assert red[strip].mean() > 0.8
    # Not a sleeveless top: its armholes leave the old caps to the fill.
    bare = compose(photo, worn, replace(top, parts={"torso": alpha}, sleeveless=True), "upper").image
    assert (np.linalg.norm(bare.astype(np.float32) - RED, axis=2) < 60)[strip].mean() < 0.2


def test_holes_in_the_old_garment_parsing_are_replaced_too():
    """A print whose colours pass for skin leaves holes in the old garment's parsing; where the new
    garment does not cover them they stayed, patches of the old outfit (issue 3: dresscode_052964)."""
    from dataclasses import replace

    body = synthetic_body()
    rows, cols = np.arange(H)[:, None], np.arange(W)[None, :]
    print_blob = (rows > 540) & (rows < 575) & (np.abs(cols - W / 2) < 30)
    f = lambda m: m.astype(np.float32)  # noqa: E731
    worn = replace(body, upper_clothes=f((body.upper_clothes > 0.5) & ~print_blob),
                   skin=f((body.skin > 0.5) | print_blob))  # fmt: skip
    photo = person_photo(worn)
    photo[(body.upper_clothes > 0.5)] = TOP.astype(np.uint8)
    photo[print_blob] = (150, 110, 90)  # a brownish print
    alpha = np.zeros((H, W), np.float32)
    alpha[250:450] = (body.upper_clothes[250:450] > 0.5).astype(np.float32)  # a short new top
    top = WarpedGarment(colour=np.broadcast_to(RED, (H, W, 3)).astype(np.float32), alpha=alpha, parts={"torso": alpha})
    out = compose(photo, worn, top, "upper").image.astype(np.float32)
    left_print = np.linalg.norm(out[print_blob] - np.array([150, 110, 90]), axis=1) < 20
    assert left_print.mean() < 0.1


def test_beside_new_trousers_is_backdrop_not_bare_thigh():
    """A wide old skirt hid the legs; beside narrower new trousers the fill drew bare thighs (skin
    patches beside the legs). Above the new hem the legs are inside the trousers."""
    body = synthetic_body()
    rows, cols = np.arange(H)[:, None], np.arange(W)[None, :]
    photo = person_photo(body)
    alpha = ((rows >= 620) & (rows < 700) & (np.abs(cols - W / 2) < 0.4 * S)).astype(np.float32)
    trousers = WarpedGarment(colour=np.broadcast_to(RED, (H, W, 3)).astype(np.float32), alpha=alpha,
                             parts={"seat": alpha})  # fmt: skip
    out = compose(photo, body, trousers, "lower").image.astype(np.float32)
    beside = (rows > 640) & (rows < 690) & (np.abs(cols - W / 2) > 0.43 * S) & (np.abs(cols - W / 2) < 0.5 * S)
    beside &= body.lower_clothes > 0.5
    assert beside.sum() > 200
    skin_like = np.linalg.norm(out - SKIN, axis=2) < 25
    assert skin_like[beside].mean() < 0.1


def test_the_bare_neck_stays_in_front_of_the_back_of_a_collar():
    """A product photo shows the back of the collar, the inside of the back and its label above the
    front neckline; drawn over the wearer's neck they read as a patch with a label under the chin
    (issue 3: necklines). Worn, the neck hides them."""
    body = synthetic_body()
    rows, cols = np.arange(H)[:, None], np.arange(W)[None, :]
    photo = person_photo(body)
    alpha = ((rows >= 230) & (rows < 650) & (np.abs(cols - W / 2) < 0.7 * S)).astype(np.float32)
    top = WarpedGarment(colour=np.broadcast_to(RED, (H, W, 3)).astype(np.float32), alpha=alpha, parts={"torso": alpha})
    out = compose(photo, body, top, "upper").image.astype(np.float32)
    neck = (body.skin > 0.5) & (body.face < 0.5) & (rows > 240) & (rows < body.skeleton.shoulder_center[1] - 5)
    neck &= np.abs(cols - W / 2) < 0.25 * S
    assert neck.sum() > 300
    assert np.abs(out[neck] - SKIN).max(axis=1).mean() < 20
    # Below the shoulders' line the new top covers as before.
    chest = (rows > 360) & (rows < 450) & (np.abs(cols - W / 2) < 0.3 * S)
    assert (np.linalg.norm(out[chest] - RED, axis=1) < 30).mean() > 0.95


def test_a_long_sleeved_top_is_not_cut_by_the_bare_arm_under_it():
    """Long sleeves cover the arms; where a sleeve's strip misses the arm, the body of the top covers
    it rather than a bare forearm showing through the garment (the cut is for short sleeves)."""
    from dataclasses import replace

    body = synthetic_body()
    photo = person_photo(body)
    top = replace(wide_top(sleeveless=False), long_sleeves=True)
    out = compose(photo, body, top, "upper").image.astype(np.float32)
    arms = bare_upper_arms(body)
    arms &= (top.alpha > 0.5) & ~M.dilate(top.alpha < 0.5, 4)
    assert arms.sum() > 300
    assert (np.linalg.norm(out[arms] - RED, axis=1) < 60).mean() > 0.9


def test_a_limb_is_as_wide_as_its_bare_skin_in_the_photo():
    """Filling under a wide old sleeve or skirt drew limbs as wide as the garment (boxy legs, skin caps);
    the fill's limbs take the width the photo shows where they are bare."""
    from dataclasses import replace

    from tryon.compose.limbs import KNEE_RADIUS, limb_radius

    body = synthetic_body()
    sk = body.skeleton
    knee, ankle = np.array([W / 2 + 60, 860.0]), np.array([W / 2 + 60, 1000.0])
    calf = M.band(body.size, [knee, ankle], 0.07 * S)  # a slim bare calf, narrower than the typical knee
    f = lambda m: m.astype(np.float32)  # noqa: E731
    legged = replace(body, skin=f((body.skin > 0.5) | calf), person=f((body.person > 0.5) | calf))
    r = limb_radius(legged, [knee, ankle], KNEE_RADIUS * S)
    assert 0.06 * S <= r <= 0.09 * S
    # Nothing bare along the line: the typical proportion.
    assert limb_radius(body, [knee, ankle], KNEE_RADIUS * S) == pytest.approx(KNEE_RADIUS * S)
    # The arms of the synthetic body are bare and ARM_RADIUS wide.
    from tryon.perception.estimate import ARM_RADIUS

    arm = [sk["left_shoulder"], sk["left_elbow"], sk["left_wrist"]]
    assert limb_radius(body, arm) == pytest.approx(ARM_RADIUS * S, rel=0.15)


def sleeveless_over_sleeved_arm(paint) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, float]:
    """A sleeveless top put on a wearer whose old sleeve covered the upper arm, the forearm bare below it.

    `paint(photo, arm)` paints the bare arm (float photo, bool mask). Returns the composite (float) and
    the upper arm's geometry: shoulder, elbow, the normal across it, its half-width.
    """
    from dataclasses import replace

    body = synthetic_body()
    sk = body.skeleton
    shoulder, elbow, wrist = sk["left_shoulder"], sk["left_elbow"], sk["left_wrist"]
    r = 0.14 * S
    yy = np.mgrid[0:H, 0:W][0].astype(np.float32)
    photo = person_photo(body).astype(np.float32)
    arm = M.band(body.size, [shoulder, elbow, wrist], r) & (body.person > 0.5)
    paint(photo, arm)
    sleeve = M.band(body.size, [shoulder, elbow], r) & arm & (yy < elbow[1] - 0.05 * S)
    f = lambda m: m.astype(np.float32)  # noqa: E731
    worn = replace(body, upper_clothes=f((body.upper_clothes > 0.5) | sleeve), skin=f((body.skin > 0.5) & ~sleeve))
    photo[sleeve] = TOP
    alpha = (worn.upper_clothes > 0.5) & ~sleeve
    top = WarpedGarment(colour=np.broadcast_to(RED, (H, W, 3)).astype(np.float32), alpha=alpha.astype(np.float32),
                        parts={"torso": alpha.astype(np.float32)}, sleeveless=True)  # fmt: skip
    out = compose(photo.astype(np.uint8), worn, top, "upper").image.astype(np.float32)
    ax = (elbow - shoulder) / np.linalg.norm(elbow - shoulder)
    return out, shoulder, elbow, np.array([-ax[1], ax[0]]), r


def test_a_filled_limb_carries_the_bare_part_of_the_same_limb():
    """A flat fill drew arms and legs as tubes of one colour, darker than the bare skin below them
    (issue 3: flat fills). Where the photo shows the limb bare further along, its cross-section (tone
    and shading) is carried along the limb."""
    skin_tone = np.array([230, 180, 150], np.float32)

    def paint(photo, arm):
        # A round forearm: lit in the middle, shaded at its sides.
        sk = synthetic_body().skeleton
        elbow, wrist = sk["left_elbow"], sk["left_wrist"]
        yy, xx = np.mgrid[0:H, 0:W].astype(np.float32)
        axis = (wrist - elbow) / np.linalg.norm(wrist - elbow)
        across = np.abs((xx - elbow[0]) * -axis[1] + (yy - elbow[1]) * axis[0]) / (0.14 * S)
        lit = np.clip(1.0 - 0.45 * across**2, 0.5, 1.0)
        photo[arm] = (skin_tone * lit[..., None])[arm]

    out, shoulder, elbow, normal, r = sleeveless_over_sleeved_arm(paint)
    # Along the filled upper arm: lighter on its centre line than at its sides, in the forearm's tone.
    mid = shoulder + 0.6 * (elbow - shoulder)
    centre = out[int(mid[1]), int(mid[0])]
    side = out[int(mid[1] + normal[1] * 0.8 * r), int(mid[0] + normal[0] * 0.8 * r)]
    assert centre.mean() > side.mean() + 15
    assert np.abs(centre - skin_tone).max() < 30


def test_a_dark_old_tops_light_counts_less_than_a_light_ones():
    """The light of a black or navy top is mostly noise, sheen and compression: its relative changes
    are large, and carried onto a white tee they read as grey smudges (issue 3: half-body photos, most
    of whose wearers have dark tops). The same folds on a light top are carried in full."""
    from tryon.compose.shading import shading_map

    rows = np.arange(400)[:, None]
    folds = 1 + 0.35 * np.sin(rows / 9.0) * np.ones((1, 300))  # horizontal folds, +-35% of the light
    region = np.zeros((400, 300), bool)
    region[50:350, 50:250] = True
    inside = np.zeros_like(region)
    inside[80:320, 80:220] = True

    def amplitude(level: float) -> float:
        photo = np.clip(level * folds, 0, 255)[..., None].repeat(3, axis=2).astype(np.uint8)
        return float(np.std(shading_map(photo, region, S=100)[inside]))

    dark, light = amplitude(35), amplitude(150)
    # Folds on a plain light top are real light: kept (k-means cut them into bands of lightness, each
    # normalised by itself, and they were lost: 0.01).
    assert light > 0.1
    assert dark < 0.5 * light


def test_what_the_shoulder_strip_takes_is_the_garments_colour_not_its_backdrop():
    """Where the new top is stretched over the old top's shoulder strip, its alpha was raised on a ring
    beyond the strip too, where the warped colour is the product photo's backdrop: a white line along
    straps and shoulders (issue 3: viton256_014834)."""
    worn, _, new, sleeve, torso = capped_old_top()
    body, sk, alpha = worn, worn.skeleton, new.astype(np.float32)
    photo = person_photo(worn)
    backdrop = np.array([0, 255, 0], np.float32)  # a backdrop colour that cannot be mistaken
    colour = np.where(new[..., None], RED, backdrop).astype(np.float32)
    top = WarpedGarment(colour=colour, alpha=alpha, parts={"torso": torso, "left_sleeve": sleeve})
    out = compose(photo, worn, top, "upper").image.astype(np.float32)
    around = np.zeros(body.size, bool)
    for side in ("left", "right"):
        around |= M.band(body.size, [sk[f"{side}_shoulder"]], 0.45 * S)
    greenish = (out[..., 1] - np.maximum(out[..., 0], out[..., 2])) > 25
    assert (greenish & around).sum() == 0


def test_a_striped_top_stretched_over_the_shoulder_strip_keeps_its_stripes():
    """Over the old top's shoulder strip the new top took its colours' blurred mean: a striped or
    printed top drew a flat grey flap on each shoulder (issue 3: vitonhd_09266 and vitonhd_09263, rows
    9, 10 and 123). Its colours continue as a mirror image of the garment beside the strip."""
    worn, caps, new, sleeve, torso = capped_old_top()
    body, sk = worn, worn.skeleton
    photo = person_photo(worn)
    stripes = (np.arange(W) // 4) % 2 == 0  # black and white stripes, 4 px wide
    colour = np.where(stripes[None, :, None], 20.0, 235.0) * np.ones((H, W, 3), np.float32)
    top = WarpedGarment(colour=colour, alpha=new.astype(np.float32), parts={"torso": torso, "left_sleeve": sleeve})
    out = compose(photo, worn, top, "upper").image.astype(np.float32)
    strip = (worn.upper_clothes > 0.5) & ~M.dilate(new, 2) & caps
    outer = np.zeros(body.size, bool)
    for side in ("left", "right"):
        outer |= M.band(body.size, [sk[f"{side}_shoulder"]], 0.3 * S)
    strip &= outer & (np.abs(np.arange(W) - W / 2) > 0.4 * S)[None, :]
    covered = strip & (np.abs(out - photo.astype(np.float32)).max(axis=2) > 30)
    assert covered.sum() > 100, "the strip is covered by the top"
    light = out[covered].mean(axis=1)
    assert ((light < 70) | (light > 185)).mean() > 0.8  # black or white, not grey


def test_a_thin_strap_left_uncovered_is_filled_not_kept():
    """A strap is 2 px wide in a small photo: the clean-up of what the new top leaves uncovered removed
    it, and it stayed as a dark line across the filled neckline (issue 3: viton256_014834)."""
    from dataclasses import replace

    body = synthetic_body()
    sk = body.skeleton
    f = lambda m: m.astype(np.float32)  # noqa: E731
    rows = np.arange(H)[:, None]
    # The old top: a camisole, low-cut, on two 1 px straps over bare shoulders.
    strap = np.zeros(body.size, bool)
    for side in ("left", "right"):
        foot = np.array([sk[f"{side}_shoulder"][0] * 0.7 + 0.3 * W / 2, 410.0])
        strap |= M.band(body.size, [foot, sk[f"{side}_shoulder"] - np.array([0, 0.1 * S])], 0.5)
    strap &= body.person > 0.5
    camisole = ((body.upper_clothes > 0.5) & (rows > 400)) | strap
    worn = replace(body, upper_clothes=f(camisole),
                   skin=f(((body.skin > 0.5) | (body.upper_clothes > 0.5)) & ~camisole))  # fmt: skip
    photo = person_photo(worn)
    alpha = (camisole & (rows > 450)).astype(np.float32)  # the new top is cut lower still
    top = WarpedGarment(colour=np.broadcast_to(RED, (H, W, 3)).astype(np.float32), alpha=alpha, parts={"torso": alpha})
    out = compose(photo, worn, top, "upper").image.astype(np.float32)
    left = strap & (rows < 395) & (rows > SHOULDER_Y - 0.05 * S)
    assert left.sum() > 40
    old = np.linalg.norm(out[left] - TOP, axis=1) < 40
    assert old.mean() < 0.2


def test_bare_shoulders_beside_the_neck_are_covered_by_the_new_top():
    """The bare neck kept in front of the new top was a rectangle 0.6 shoulder widths wide: on bare
    shoulders (an off-shoulder top, straps) it cut a square notch into the new top's shoulders beside
    the neck (issue 3: viton256_004912). It is the neck's column, rounding at its base into a scoop."""
    from dataclasses import replace

    body = synthetic_body()
    rows, cols = np.arange(H)[:, None], np.arange(W)[None, :]
    f = lambda m: m.astype(np.float32)  # noqa: E731
    # Bare shoulders: the old top starts well below the shoulders' line.
    shoulders = (body.upper_clothes > 0.5) & (rows < SHOULDER_Y + 0.3 * S)
    worn = replace(body, upper_clothes=f((body.upper_clothes > 0.5) & ~shoulders),
                   skin=f((body.skin > 0.5) | shoulders))  # fmt: skip
    photo = person_photo(worn)
    alpha = ((worn.person > 0.5) & (rows > SHOULDER_Y - 0.25 * S) & (rows < 650) & (worn.face < 0.5)).astype(np.float32)
    top = WarpedGarment(colour=np.broadcast_to(RED, (H, W, 3)).astype(np.float32), alpha=alpha, parts={"torso": alpha})
    out = compose(photo, worn, top, "upper").image.astype(np.float32)
    red = np.linalg.norm(out - RED, axis=2) < 40
    beside = (rows > SHOULDER_Y - 0.2 * S) & (rows < SHOULDER_Y - 0.1 * S) & (alpha > 0.5)
    beside &= (np.abs(cols - W / 2) > 0.26 * S) & (np.abs(cols - W / 2) < 0.3 * S)
    assert beside.sum() > 50
    assert red[beside].mean() > 0.9
    # The neck itself stays bare.
    neck = (rows > SHOULDER_Y - 0.2 * S) & (rows < SHOULDER_Y - 0.1 * S) & (np.abs(cols - W / 2) < 0.1 * S)
    assert red[neck & (alpha > 0.5)].mean() < 0.1
    # The opening's bottom is rounded: beside its deepest point the new top reaches up to the shoulders'
    # line (a square notch, 0.56 S wide, cut away these corners: viton256_014834, straps).
    corners = (rows > SHOULDER_Y - 0.06 * S) & (rows < SHOULDER_Y) & (alpha > 0.5)
    corners &= (np.abs(cols - W / 2) > 0.2 * S) & (np.abs(cols - W / 2) < 0.25 * S)
    assert corners.sum() > 50
    assert red[corners].mean() > 0.9


def test_a_new_top_opens_at_the_neck_even_over_an_old_high_collar():
    """Kept in front of the new top was only the neck the photo shows bare: over an old crew neck or
    collar, the new top's inside back and label were drawn up the neck (issue 3: viton256_005510, the
    label under the chin). The neck opening is the body's; what the old collar covered there is skin."""
    from dataclasses import replace

    body = synthetic_body()
    rows, cols = np.arange(H)[:, None], np.arange(W)[None, :]
    f = lambda m: m.astype(np.float32)  # noqa: E731
    # The old top's high collar covers the base of the neck.
    collar = (body.skin > 0.5) & (body.face < 0.5) & (rows > SHOULDER_Y - 0.2 * S) & (np.abs(cols - W / 2) < 0.3 * S)
    worn = replace(body, upper_clothes=f((body.upper_clothes > 0.5) | collar), skin=f((body.skin > 0.5) & ~collar))
    photo = person_photo(worn)
    alpha = ((worn.person > 0.5) & (rows > SHOULDER_Y - 0.35 * S) & (rows < 650) & (worn.face < 0.5)).astype(np.float32)
    top = WarpedGarment(colour=np.broadcast_to(RED, (H, W, 3)).astype(np.float32), alpha=alpha, parts={"torso": alpha})
    out = compose(photo, worn, top, "upper").image.astype(np.float32)
    base = (rows > SHOULDER_Y - 0.15 * S) & (rows < SHOULDER_Y - 0.05 * S) & (np.abs(cols - W / 2) < 0.08 * S)
    assert (np.linalg.norm(out[base] - RED, axis=1) < 60).mean() < 0.05
    assert np.abs(out[base] - SKIN).max(axis=1).mean() < 25  # the neck continued down, not the old collar
    assert (np.linalg.norm(out[base] - TOP, axis=1) < 40).mean() < 0.05
    # Below the opening the new top covers the old one.
    chest = (rows > SHOULDER_Y + 0.1 * S) & (rows < SHOULDER_Y + 0.3 * S) & (np.abs(cols - W / 2) < 0.3 * S)
    assert (np.linalg.norm(out[chest] - RED, axis=1) < 40).mean() > 0.95


def long_sleeved_wearer():
    """The synthetic wearer in an old top with long sleeves: no bare arm below the shoulders."""
    from dataclasses import replace

    body = synthetic_body()
    sk = body.skeleton
    f = lambda m: m.astype(np.float32)  # noqa: E731
    arms = np.zeros(body.size, bool)
    for side in ("left", "right"):
        arms |= M.band(body.size, [sk[f"{side}_shoulder"], sk[f"{side}_elbow"], sk[f"{side}_wrist"]], 0.2 * S)
    arms &= (body.skin > 0.5) & (np.arange(H)[:, None] > 250)
    return replace(body, skin=f((body.skin > 0.5) & ~arms), upper_clothes=f((body.upper_clothes > 0.5) | arms))


def test_a_filled_arm_is_shaded_round_not_a_flat_strip():
    """An arm under an old long sleeve, bared by a sleeveless top and with no bare stretch in the photo
    to copy, was filled in one flat tone: a strip pasted on (issue 3: viton256_000066, long sleeves
    replaced). Seen from the front a limb darkens towards its sides."""
    worn = long_sleeved_wearer()
    sk = worn.skeleton
    out = compose(person_photo(worn), worn, wide_top(sleeveless=True), "upper").image.astype(np.float32)
    ratios = []
    for side in ("left", "right"):
        a, b = sk[f"{side}_shoulder"], sk[f"{side}_elbow"]
        axis = (b - a) / np.linalg.norm(b - a)
        normal = np.array([-axis[1], axis[0]])
        for t in (0.4, 0.5, 0.6, 0.7):
            centre = a + (b - a) * t

            def brightness(u: float, centre=centre, normal=normal) -> float:
                p = centre + normal * u * 0.14 * S * 1.1  # (u: the offset across the arm, -1 .. 1)
                return float(out[int(round(p[1])), int(round(p[0]))].mean())

            assert abs(brightness(0.0) - SKIN.mean()) < 30  # skin, continued from the skin around
            ratios.append((brightness(-0.75) + brightness(0.75)) / 2 / brightness(0.0))
    assert np.mean(ratios) < 0.93


def test_a_wide_fill_is_smooth_not_blocky():
    """A wide fill continued from a few distant patches of skin showed light and dark blocks: pixels
    filled at different levels of the quarter-size working copy meet in steps, which the enlargement
    turns into blocks (issue 3: vitonhd_01992, the chest under a scoop neck)."""
    from tryon.compose.fill import continue_from

    size = 400
    yy, xx = np.mgrid[0:size, 0:size].astype(np.float32)
    image = np.stack([150 + 60 * xx / size, 120 + 40 * yy / size, 100 + 0 * xx], -1).astype(np.float32)
    region = (np.abs(xx - 200) < 150) & (np.abs(yy - 200) < 150)
    source = (np.hypot(xx - 40, yy - 40) < 40) | (np.hypot(xx - 360, yy - 360) < 40) | (xx < 50)
    source &= ~region
    out = continue_from(image.copy(), source, region, 1.0)
    inner = np.zeros_like(region)
    inner[60:-60, 60:-60] = True  # away from the region's feathered edge
    steps = np.maximum(np.abs(np.diff(out, axis=1)).max(-1)[:-1, :], np.abs(np.diff(out, axis=0)).max(-1)[:, :-1])
    assert steps[inner[:-1, :-1]].max() < 3.0
    # Still the colours around: between the patches' colours, not a flat fallback.
    assert out[inner].std(axis=0).max() > 3.0


def camisole_wearer(rim: int = 0):
    """A synthetic wearer of a camisole cut straight across the chest at row 400, and a new top cut lower
    still (rows 470 on): (worn body, photo, new top). With `rim`, the parsing's soft outline reaches
    `rim` px above the camisole's edge at probability 0.3, over pixels still tinted with its colour."""
    from dataclasses import replace

    body = synthetic_body()
    rows = np.arange(H)[:, None]
    f = lambda m: m.astype(np.float32)  # noqa: E731
    camisole = (body.upper_clothes > 0.5) & (rows >= 400)
    outline = (body.upper_clothes > 0.5) & (rows >= 400 - rim) & (rows < 400)
    upper = f(camisole) + 0.3 * f(outline)
    worn = replace(body, upper_clothes=upper, skin=f(((body.skin > 0.5) | (body.upper_clothes > 0.5)) & ~camisole))
    photo = person_photo(worn).astype(np.float32)
    photo[outline] = (SKIN + TOP) / 2
    alpha = (camisole & (rows >= 470)).astype(np.float32)
    top = WarpedGarment(colour=np.broadcast_to(RED, (H, W, 3)).astype(np.float32), alpha=alpha, parts={"torso": alpha})
    return worn, photo.astype(np.uint8), top


def test_the_old_tops_soft_outline_is_filled_not_left_as_a_line():
    """The parsing's outline is soft: the mixed pixels just past its 0.5 line, tinted with the old top's
    colour, stayed as a thin line along the old neckline inside the filled skin (issue 3:
    vitonhd_01992, an orange V-neck's outline across the new scoop's opening)."""
    worn, photo, top = camisole_wearer(rim=5)
    out = compose(photo, worn, top, "upper").image.astype(np.float32)
    rows, cols = np.arange(H)[:, None], np.arange(W)[None, :]
    line = (rows >= 395) & (rows < 400) & (np.abs(cols - W / 2) < 0.4 * S)
    assert np.abs(out[line] - SKIN).max(axis=1).max() < 12


def test_a_light_trim_along_the_old_neckline_does_not_tint_the_filled_chest():
    """A lace trim along the camisole's top is a line of light mixed pixels parsed as skin. Continued
    into the fill, it made the filled chest a flat block of its pinkish tint under a visible seam
    (issue 3: viton256_014834). The fill continues the skin beyond it and paints over it."""
    worn, photo, top = camisole_wearer()
    rows, cols = np.arange(H)[:, None], np.arange(W)[None, :]
    trim = (worn.skin > 0.5) & (rows >= 394) & (rows < 400) & (np.abs(cols - W / 2) < 0.6 * S)
    photo = photo.copy()
    photo[trim] = (230, 190, 170)  # light, and close enough to the skin to pass for it
    out = compose(photo, worn, top, "upper").image.astype(np.float32)
    middle = np.abs(cols - W / 2) < 0.3 * S
    chest = out[(rows >= 410) & (rows < 460) & middle].mean(axis=0)
    assert np.abs(chest - SKIN).max() < 6, chest
    assert np.abs(out[trim & middle] - SKIN).max(axis=1).mean() < 8


def test_a_filled_chest_meets_the_skin_above_it_without_a_step():
    """The filled skin takes the broad light the old top had: a camisole darker along its edge darkened
    the fill right at its seam with the bare chest, a straight step across it (issue 3: viton256_014834,
    the chest under a lace camisole). At the seam the fill is the skin's own tone."""
    worn, photo, top = camisole_wearer()
    rows, cols = np.arange(H)[:, None], np.arange(W)[None, :]
    photo = photo.astype(np.float32)
    photo[worn.upper_clothes > 0.5] = 200  # a light grey camisole, in shadow along its top
    photo[(worn.upper_clothes > 0.5) & (rows < 440)] *= 0.85
    out = compose(photo.astype(np.uint8), worn, top, "upper").image.astype(np.float32)
    middle = np.abs(cols - W / 2) < 0.3 * S
    above = out[(rows >= 392) & (rows < 398) & middle].mean(axis=0)
    below = out[(rows >= 402) & (rows < 408) & middle].mean(axis=0)
    assert np.abs(above - below).max() < 4


def strapped_camisole_wearer(strap_half_width: float = 2, strap_at: float = 0.33, sides_at: float = 0.4,
                             slant: float = 0.0):  # fmt: skip
    """The synthetic wearer in a camisole cut straight across at row 340 whose thin straps rise over the
    shoulders, and a new top with a wide square neck: its sides cover the shoulders outside the straps,
    its front starts at row 430. Returns (worn body, photo, new top, straps)."""
    from dataclasses import replace

    body = synthetic_body()
    rows, cols = np.arange(H)[:, None], np.arange(W)[None, :]
    f = lambda m: m.astype(np.float32)  # noqa: E731
    # (`slant`: how far out the strap leans at its top, over 65 rows, in shoulder widths.)
    out = (strap_at + slant * (340 - rows) / 65) * S
    straps = (np.abs(np.abs(cols - W / 2) - out) < strap_half_width) & (rows >= SHOULDER_Y - 25) & (rows < 340)
    straps &= body.person > 0.5
    camisole = ((body.upper_clothes > 0.5) & (rows >= 340)) | straps
    bare = ((body.skin > 0.5) | (body.upper_clothes > 0.5)) & ~camisole
    worn = replace(body, upper_clothes=f(camisole), skin=f(bare))
    photo = person_photo(worn)
    sides = (np.abs(cols - W / 2) >= sides_at * S) & (rows >= SHOULDER_Y - 20)
    alpha = ((worn.person > 0.5) & (worn.face < 0.5) & (sides | (rows >= 430)) & (rows < 620)).astype(np.float32)
    return worn, photo, red_top_with_sleeves(alpha), straps


def red_top_with_sleeves(alpha: np.ndarray) -> WarpedGarment:
    """A red top covering `alpha`, with (empty) sleeve parts: a top with sleeves reaches the old top's
    shoulders, a sleeveless one does not."""
    sleeves = {f"{side}_sleeve": np.zeros_like(alpha) for side in ("left", "right")}
    return WarpedGarment(colour=np.broadcast_to(RED, (H, W, 3)).astype(np.float32), alpha=alpha,
                         parts={"torso": alpha, **sleeves})  # fmt: skip


def test_the_old_camisole_seen_in_a_wider_neckline_is_skin_not_strips_of_the_new_top():
    """Under a new top with a wider neckline, the old camisole's straps and its top edge show inside the
    neckline. Near the shoulders the new top was stretched over them in strips of its colour, which drew
    its neckline's sides jagged and stood the straps' ends up as flaps (issue 3: viton256_014834). What
    the old top showed inside the new neckline is filled with skin."""
    worn, photo, top, straps = strapped_camisole_wearer()
    out = compose(photo, worn, top, "upper").image.astype(np.float32)
    rows, cols = np.arange(H)[:, None], np.arange(W)[None, :]
    is_red = (out[..., 0] > 150) & (out[..., 1] < 90)
    inside = (np.abs(cols - W / 2) < 0.4 * S - 3) & (rows >= SHOULDER_Y - 10) & (rows < 425) & (worn.face < 0.5)
    inside &= worn.person > 0.5
    assert is_red[inside].mean() < 0.01
    assert np.abs(out[straps] - SKIN).max(axis=1).mean() < 20


def test_an_old_straps_end_above_the_new_tops_shoulder_is_not_covered_by_it():
    """An old strap rising over the shoulder above the new top, within the reach that lets a top cover
    the thin strip of old top left along its shoulders: covered, it stood up above the shoulder as a
    flap of the new top's colour (issue 3: viton256_014834). It is bare shoulder: filled with skin."""
    worn, photo, _, straps = strapped_camisole_wearer(strap_at=0.4, slant=0.05)
    rows = np.arange(H)[:, None]
    alpha = ((worn.person > 0.5) & (worn.face < 0.5) & (rows >= 300) & (rows < 620)).astype(np.float32)
    top = red_top_with_sleeves(alpha)
    out = compose(photo, worn, top, "upper").image.astype(np.float32)
    end = straps & (rows < 298)  # above the new top
    assert end.sum() > 50
    assert np.abs(out[end] - SKIN).max(axis=1).mean() < 20


def test_a_thin_rim_of_the_old_top_at_the_wearers_outline_is_covered_not_taken_for_a_strap():
    """A sleeveless old top narrow over the shoulder: the new top stops a few pixels short of the
    wearer's outline, and the rim of old top left there is thin like a strap. Taken for one, it was
    filled with skin: a notch in the new top's shoulder (issue 3: vitonhd_00034 with a polo). A strap
    has skin on both sides; this rim meets the backdrop, and the new top covers it."""
    from dataclasses import replace

    body = synthetic_body()
    rows, cols = np.arange(H)[:, None], np.arange(W)[None, :]
    f = lambda m: m.astype(np.float32)  # noqa: E731
    person = body.person > 0.5
    outline = person & ~M.erode(person, 9)
    shoulder = (np.abs(cols - W / 2) > 0.45 * S) & (rows < SHOULDER_Y + 0.2 * S) & (body.face < 0.5)
    strap = outline & shoulder & (rows > SHOULDER_Y - 0.3 * S)  # 9 px wide along the outer shoulder
    old = ((body.upper_clothes > 0.5) & (np.abs(cols - W / 2) < 0.45 * S)) | strap
    worn = replace(body, upper_clothes=f(old), skin=f(person & ~old & (body.face < 0.5)))
    photo = person_photo(worn)
    rim = strap & ~M.erode(person, 4)  # the 4 px of the strap at the outline
    alpha = f((old | M.dilate(old, 3)) & person & ~rim)
    out = compose(photo, worn, red_top_with_sleeves(alpha), "upper").image.astype(np.float32)
    left = rim & (alpha < 0.5)
    assert left.sum() > 100
    is_red = (out[..., 0] > 150) & (out[..., 1] < 90)
    assert is_red[left].mean() > 0.8


def test_the_neck_filled_under_a_high_old_collar_flares_into_the_shoulders():
    """Under a turtleneck replaced by a low neckline, the neck was drawn as a straight band meeting the
    shoulders at a right angle, with flat backdrop beside it (issue 3: the astronaut example). The
    neck flares into the shoulders above their line (the trapezius): skin there, not backdrop."""
    from dataclasses import replace

    body = synthetic_body()
    rows, cols = np.arange(H)[:, None], np.arange(W)[None, :]
    f = lambda m: m.astype(np.float32)  # noqa: E731
    person = body.person > 0.5
    collar = person & (body.face < 0.5) & (rows > 255) & (np.abs(cols - W / 2) < 0.62 * S) & (rows < 620)
    collar |= body.upper_clothes > 0.5
    worn = replace(body, upper_clothes=f(collar), skin=f(person & ~collar & (body.face < 0.5)))
    photo = person_photo(worn)
    alpha = f(collar & (rows >= SHOULDER_Y + 0.3 * S))
    out = compose(photo, worn, red_top_with_sleeves(alpha), "upper").image.astype(np.float32)
    y = int(SHOULDER_Y - 0.21 * S)  # (above the body shape's torso, which ends 0.18 S above the joints)
    for x in (int(W / 2 - 0.2 * S), int(W / 2 + 0.2 * S)):
        assert person[y, x] and collar[y, x]  # (the premise: old collar there, inside the silhouette)
        assert np.abs(out[y, x] - SKIN).max() < 25, out[y, x]


def test_a_thin_strap_left_above_a_new_high_top_is_filled_not_dropped_as_a_speck():
    """A strap a pixel or two wide in a small photo, left alone above a new top that covers the rest of
    the old one, was dropped with the specks and stayed as a dark line over the shoulder."""
    worn, photo, _, straps = strapped_camisole_wearer(strap_half_width=1)
    rows = np.arange(H)[:, None]
    alpha = ((worn.person > 0.5) & (worn.face < 0.5) & (rows >= 330) & (rows < 620)).astype(np.float32)
    top = red_top_with_sleeves(alpha)
    out = compose(photo, worn, top, "upper").image.astype(np.float32)
    left = straps & (rows < 325)
    assert left.sum() > 50
    assert np.abs(out[left] - SKIN).max(axis=1).mean() < 20


def test_a_sliver_of_skin_between_the_new_top_and_a_covered_strap_is_covered():
    """Where the new top is stretched over the old top's strap at the shoulder, a sliver of bare skin
    left between them showed as a light line down the shoulder (issue 3: vitonhd_01992, a scoop tee
    over a V-neck tank)."""
    from dataclasses import replace

    body = synthetic_body()
    rows, cols = np.arange(H)[:, None], np.arange(W)[None, :]
    f = lambda m: m.astype(np.float32)  # noqa: E731
    # The old top: a tank whose straps are the outer shoulders; inside them the chest is bare.
    strap = (np.abs(cols - W / 2) > 0.45 * S) & (body.person > 0.5) & (rows < 620) & (body.face < 0.5)
    strap &= (body.upper_clothes > 0.5) | ((body.skin > 0.5) & (rows < SHOULDER_Y + 0.2 * S))
    strap &= ~M.band(body.size, [body.skeleton["left_elbow"], body.skeleton["left_wrist"]], 0.2 * S)
    strap &= ~M.band(body.size, [body.skeleton["right_elbow"], body.skeleton["right_wrist"]], 0.2 * S)
    worn = replace(body, upper_clothes=f(strap), skin=f(((body.skin > 0.5) | (body.upper_clothes > 0.5)) & ~strap))
    photo = person_photo(worn)
    # The new top stops 3 px short of the straps, over bare skin.
    torso = ((worn.person > 0.5) & (np.abs(cols - W / 2) < 0.45 * S - 3) & (rows > SHOULDER_Y - 0.3 * S)
             & (rows < 620) & (worn.face < 0.5))  # fmt: skip
    sleeve = np.zeros((H, W), np.float32)
    top = WarpedGarment(colour=np.broadcast_to(RED, (H, W, 3)).astype(np.float32), alpha=f(torso),
                        parts={"torso": f(torso), "left_sleeve": sleeve})  # fmt: skip
    out = compose(photo, worn, top, "upper").image.astype(np.float32)
    sliver = (
        (np.abs(np.abs(cols - W / 2) - (0.45 * S - 1.5)) < 1.5) & (rows > SHOULDER_Y) & (rows < SHOULDER_Y + 0.3 * S)
    )
    red = np.linalg.norm(out - RED, axis=2) < 60
    assert sliver.sum() > 100
    assert red[sliver].mean() > 0.9


def test_a_fill_takes_only_its_sources_colours_not_their_neighbours():
    """The fill works on a quarter-size copy: a cell holding a few source pixels took the mean of all its
    pixels, so the old garment's dark rim beside the skin tinted the whole fill (issue 3)."""
    from tryon.compose.fill import continue_from

    image = np.zeros((200, 200, 3), np.float32)
    image[:, :103] = SKIN  # the source: skin on the left, up to column 102 (not on the working grid)
    image[:, 103:105] = TOP  # the old garment's rim, part of the region
    source = np.zeros((200, 200), bool)
    source[:, :103] = True
    region = ~source
    out = continue_from(image.copy(), source, region, 1.0)
    assert np.abs(out[20:-20, 108:160] - SKIN).max() < 2


def test_a_filled_limb_does_not_carry_the_bare_limbs_pale_outline():
    """The bare part's outline pixels are mixed with the backdrop but parsed as skin: carried along the
    filled limb, they gave it pale grey sides (issue 3: dresscode_052472, thighs filled under a shorter
    dress). The cross-section is taken inside the outline; the seam with the bare part comes in gently."""
    skin_tone = np.array([200, 140, 110], np.float32)
    pale = np.array([215, 205, 200], np.float32)  # the outline, mixed with the backdrop

    def paint(photo, arm):
        photo[arm] = skin_tone
        photo[arm & ~M.erode(arm, 3)] = pale

    out, shoulder, elbow, normal, r = sleeveless_over_sleeved_arm(paint)
    for t in (0.4, 0.5, 0.6):
        mid = shoulder + t * (elbow - shoulder)
        for sign in (-1, 1):
            p = mid + sign * normal * 0.95 * r  # (the limb's edge: where the outline's tone was carried)
            side = out[int(p[1]), int(p[0])]
            # Skin at the limb's sides (round shading may darken it), not the pale outline's grey.
            assert np.linalg.norm(side - skin_tone) < np.linalg.norm(side - pale), (t, sign, side)


def test_a_filled_leg_follows_the_bare_calf_not_the_skeletons_line():
    """Pose key points sit a little inside a limb's silhouette: a leg filled on the skeleton's line above
    a bare calf met the calf with a step at the old hem, narrower on one side and wider on the other
    (issue 3: dresscode_052472 in a shorter dress). The bare calf's centre moves the line."""
    from dataclasses import replace

    from tryon.compose.limbs import bare_shift, leg_shape

    body = synthetic_body()
    sk = body.skeleton
    knee, ankle = sk["left_knee"], sk["left_ankle"]
    rows, cols = np.arange(H)[:, None], np.arange(W)[None, :]
    r = 0.12 * S
    calf = (np.abs(cols - (knee[0] + 12)) <= r) & (rows > knee[1] + 0.4 * (ankle[1] - knee[1])) & (rows < ankle[1])
    bare = replace(body, skin=calf.astype(np.float32), person=np.maximum(body.person, calf.astype(np.float32)))
    shift = bare_shift(bare, [knee, ankle], r)
    axis = (ankle - knee) / np.linalg.norm(ankle - knee)
    moved = knee + np.array([-axis[1], axis[0]]) * shift
    assert abs(moved[0] - (knee[0] + 12)) < 2
    # The leg's shape above the calf is centred on it too.
    leg = leg_shape(bare, "left", r, shift)
    y = int(knee[1] + 0.2 * (ankle[1] - knee[1]))
    xs = np.nonzero(leg[y])[0]
    assert abs((xs.min() + xs.max()) / 2 - (knee[0] + 12)) < 2
    # Without bare skin there is nothing to follow.
    assert bare_shift(replace(body, skin=np.zeros_like(body.skin)), [knee, ankle], r) == 0.0


def test_a_vein_in_the_bare_slice_is_not_drawn_as_a_stripe_down_the_filled_limb():
    """The cross-section carried along a filled limb came from 15 bands of the bare slice: a vein or a
    highlight in it became a stripe down the whole limb, and the bands' steps fluted it (issue 3:
    vitonhd_00121, upper arms filled under a boxy tee's sleeves)."""
    skin_tone = np.array([200, 150, 120], np.float32)

    def paint(photo, arm):
        photo[arm] = skin_tone
        elbow, wrist = synthetic_body().skeleton["left_elbow"], synthetic_body().skeleton["left_wrist"]
        photo[M.band(arm.shape, [elbow, wrist], 1.5) & arm] = skin_tone * 0.6  # a vein down the forearm

    out, shoulder, elbow, normal, r = sleeveless_over_sleeved_arm(paint)
    mid = shoulder + 0.6 * (elbow - shoulder)
    points = [mid + normal * u * r for u in np.linspace(-0.6, 0.6, 25)]
    across = np.array([out[int(p[1]), int(p[0])].mean() for p in points])
    # Across the filled upper arm the tone changes smoothly: no dip of the vein's depth, no steps.
    assert np.abs(np.diff(across)).max() < 6
    assert across.min() > skin_tone.mean() * 0.85


def _body_shape_under_a_boxy_top():
    """The body's shape (and skeleton) of the synthetic wearer in a boxy old top: its silhouette is
    square at the shoulders."""
    from dataclasses import replace

    from tryon.compose.limbs import body_shape

    body = synthetic_body()
    rows, cols = np.arange(H)[:, None], np.arange(W)[None, :]
    boxy = (np.abs(cols - W / 2) < 0.85 * S) & (rows > SHOULDER_Y - 0.3 * S) & (rows < 620)
    worn = replace(body, person=np.maximum(body.person, boxy.astype(np.float32)))
    return body_shape(worn, "upper"), worn.skeleton


def test_the_body_shape_under_a_boxy_old_top_has_round_shoulders():
    """Where bare body would be was a polygon with corners beside the shoulder joints: under a boxy old
    top (its silhouette square at the shoulders) the skin filled there had square shoulders (issue 3:
    vitonhd_00121 in a drop-shoulder tee, a sleeveless top put on)."""
    shape, sk = _body_shape_under_a_boxy_top()
    for side, sign in (("left", 1), ("right", -1)):
        joint = sk[f"{side}_shoulder"]
        corner = (int(joint[1] - 0.17 * S), int(joint[0] + sign * 0.08 * S))  # above and beside the joint
        assert not shape[corner]
        assert shape[int(joint[1] - 0.1 * S), int(joint[0])]  # the shoulder itself is body


def test_a_filled_upper_arm_follows_the_bare_forearm_not_the_skeletons_line():
    """As the legs: pose points sit inside an arm's silhouette, and an upper arm filled on the skeleton's
    line met the bare forearm below the old sleeve off-centre (issue 3: vitonhd_01992, vitonhd_00121)."""
    from dataclasses import replace

    from tryon.compose.limbs import arm_line, limb_measures

    body = synthetic_body()
    sk = body.skeleton
    elbow, wrist = sk["left_elbow"], sk["left_wrist"]
    axis = (wrist - elbow) / np.linalg.norm(wrist - elbow)
    normal = np.array([-axis[1], axis[0]])
    r = 0.12 * S
    forearm = M.band(body.size, [elbow + normal * 10, wrist + normal * 10], r)  # 10 px off the skeleton's line
    skin = (body.skin > 0.5) & ~M.band(body.size, [sk["left_shoulder"], elbow, wrist], 0.3 * S) | forearm
    f = lambda m: m.astype(np.float32)  # noqa: E731
    moved = replace(body, skin=f(skin), person=np.maximum(body.person, f(forearm)))
    line = arm_line(moved, "left", limb_measures(moved))
    assert np.linalg.norm(line[2] - (wrist + normal * 10)) < 2
    assert np.linalg.norm(line[1] - elbow) > 4  # the elbow (and the upper arm) move with it
    # The right arm, bare along the skeleton's line, stays where it was.
    right = arm_line(moved, "right", limb_measures(moved))
    assert np.linalg.norm(right[2] - sk["right_wrist"]) < 2


def test_new_bottoms_do_not_show_through_holes_in_the_tops_parsing():
    """New bottoms go under the current top; where the top's parsing had holes (a print's light parts
    taken for skin), the bottoms showed through as dots of their colours on the top (issue 3:
    dresscode_052964, trousers under the top of a houndstooth dress)."""
    from dataclasses import replace

    body = synthetic_body()
    rows, cols = np.arange(H)[:, None], np.arange(W)[None, :]
    holes = (body.upper_clothes > 0.5) & (rows > 520) & (rows < 610) & ((rows // 12 + cols // 12) % 5 == 0)
    holes &= ~M.dilate(~(body.upper_clothes > 0.5), 6)
    assert holes.sum() > 300
    f = lambda m: m.astype(np.float32)  # noqa: E731
    worn = replace(body, upper_clothes=f((body.upper_clothes > 0.5) & ~holes), skin=f((body.skin > 0.5) | holes))
    photo = person_photo(worn)
    # New trousers whose waistband reaches up under the top.
    alpha = ((rows > 500) & (rows < 900) & (np.abs(cols - W / 2) < 0.7 * S)).astype(np.float32)
    trousers = WarpedGarment(colour=np.broadcast_to(RED, (H, W, 3)).astype(np.float32), alpha=alpha,
                             parts={"torso": alpha})  # fmt: skip
    out = compose(photo, worn, trousers, "lower").image.astype(np.float32)
    red = np.linalg.norm(out - RED, axis=2) < 60
    assert red[holes].mean() < 0.05


def test_an_arm_filled_far_from_bare_skin_takes_the_faces_tone_not_a_shadowed_necks():
    """The skin fill continues the nearest bare skin: for an arm all in a long sleeve that is the neck,
    often in the chin's shadow, and carried down the whole arm it drew grey-khaki arms (issue 3: the
    astronaut example, long sleeves replaced by a tee's short ones). Far from any bare skin the fill
    drifts to the face's tone."""
    from tryon.compose.fill import skin_rgb

    worn = long_sleeved_wearer()
    sk = worn.skeleton
    face_tone = skin_rgb(worn)
    photo = person_photo(worn).astype(np.float32)
    photo[worn.face > 0.5] = face_tone
    photo[(worn.skin > 0.5) & (worn.face < 0.5)] = face_tone * 0.6  # the neck, in shadow
    out = compose(photo.astype(np.uint8), worn, wide_top(sleeveless=True), "upper").image.astype(np.float32)
    for side in ("left", "right"):
        p = sk[f"{side}_elbow"]  # far down the arm from the neck
        tone = out[int(p[1]), int(p[0])]
        assert np.linalg.norm(tone - face_tone) < np.linalg.norm(tone - face_tone * 0.6)


def test_an_arm_filled_far_from_bare_skin_takes_the_bodys_tone_not_the_faces_lit_core():
    """The skin colour model's mean is the face's lit core, lighter than the wearer's skin overall:
    arms drawn in it under old long sleeves were paler than the hands and the neck (issue 3:
    viton256_000066). Far from bare skin a fill drifts to the median tone of the face and bare skin."""
    from dataclasses import replace

    import cv2

    from tryon.compose.fill import skin_rgb
    from tryon.perception.body import ColourModel

    worn = long_sleeved_wearer()
    lab = cv2.cvtColor(SKIN.astype(np.uint8)[None, None], cv2.COLOR_RGB2LAB).reshape(3).astype(float)
    worn = replace(worn, skin_colour=ColourModel(mean=lab + [35, 0, 0], std=np.array([20.0, 5.0, 6.0])))
    lit = skin_rgb(worn)
    assert lit.mean() > SKIN.mean() + 20  # (the premise: the model's mean is lighter)
    photo = person_photo(worn)
    out = compose(photo, worn, wide_top(sleeveless=True), "upper").image.astype(np.float32)
    for side in ("left", "right"):
        p = worn.skeleton[f"{side}_elbow"]
        tone = out[int(p[1]) - 3 : int(p[1]) + 4, int(p[0]) - 3 : int(p[0]) + 4].reshape(-1, 3).mean(axis=0)
        assert np.abs(tone - SKIN).max() < 12, tone


def test_a_highlight_beside_the_old_garment_is_not_carried_deep_into_the_fill():
    """A shoulder's lit top beside an armhole, continued into the fill, made a glowing patch of skin
    (issue 3: vitonhd_01992, a tank's wide armhole). Deep in a fill its brightness regresses towards
    the body's tone; its hue stays the nearest skin's."""
    worn, photo, top = camisole_wearer()
    rows, cols = np.arange(H)[:, None], np.arange(W)[None, :]
    photo = photo.astype(np.float32)
    lit = (worn.skin > 0.5) & (worn.face < 0.5) & (rows >= 340) & (rows < 400) & (np.abs(cols - W / 2) < 0.5 * S)
    photo[lit] = np.minimum(SKIN * 1.2, 255)  # the chest above the camisole in full light
    out = compose(photo.astype(np.uint8), worn, top, "upper").image.astype(np.float32)
    deep = out[(rows >= 440) & (rows < 465) & (np.abs(cols - W / 2) < 0.3 * S)].mean(axis=0)
    seam = out[(rows >= 392) & (rows < 398) & (np.abs(cols - W / 2) < 0.3 * S)].mean(axis=0)
    assert deep.mean() < seam.mean() - 8, (deep, seam)
    hue = lambda c: c / c.sum()  # noqa: E731
    assert np.abs(hue(deep) - hue(SKIN)).max() < 0.01


def test_only_sure_skin_below_the_chin_feeds_a_skin_fill():
    """Blonde hair beside the face and a white cord on the old top were parsed as skin, and the neck
    filled from them came out khaki (issue 3: the astronaut example). Skin above the chin that is not
    the face, and skin far from the skin colour, feed no fill."""
    from dataclasses import replace

    from tryon.compose.fill import fill_uncovered

    body = synthetic_body()
    rows, cols = np.arange(H)[:, None], np.arange(W)[None, :]
    f = lambda m: m.astype(np.float32)  # noqa: E731
    x0, y0, x1, y1 = body.face_box
    face = body.face > 0.5
    hair = M.dilate(face, 25) & ~face & (rows < y1 - 20)  # beside and above the face
    cord = (np.abs(cols - W / 2 - 0.25 * S) < 4) & (rows > y1) & (rows < y1 + 40)  # white, on the old top
    neck = (body.person > 0.5) & ~face & (rows > y1 - 5) & (rows < SHOULDER_Y) & (np.abs(cols - W / 2) < 0.2 * S)
    worn = replace(body, skin=f(hair | cord), person=np.maximum(body.person, f(hair | cord)))
    photo = person_photo(worn).astype(np.float32)
    photo[face] = SKIN
    photo[hair] = (150, 120, 60)  # blonde-brown
    photo[cord] = (245, 245, 245)
    out = fill_uncovered(photo, worn, neck & ~cord, "upper")
    tone = out[neck & ~cord & (rows > y1 + 20)].mean(axis=0)
    # The face's tone, not the hair's or the cord's.
    assert np.linalg.norm(tone - SKIN) < min(np.linalg.norm(tone - (150, 120, 60)), np.linalg.norm(tone - 245)) / 2


def test_an_arm_under_a_wide_old_sleeve_is_drawn_narrower_than_the_sleeve():
    """An arm in a long sleeve has no bare skin to measure; it was drawn as wide as the sleeve, out to
    the sleeve's ragged outline: a flat strip wider than an arm (issue 3: viton256_000066, the old
    long sleeves replaced by a sleeveless top). Past the arm, away from the body, is backdrop."""
    from tryon.compose.limbs import limb_measures

    worn = long_sleeved_wearer()  # sleeves 0.2 S wide on either side of the arm's line
    sk = worn.skeleton
    radii = limb_measures(worn)
    assert radii["left"] < 0.14 * S and radii["right"] < 0.14 * S  # narrower than an arm's default
    fitted = np.zeros((H, W), np.float32)
    fitted[300:650, int(W / 2 - 0.6 * S) : int(W / 2 + 0.6 * S)] = 1  # a sleeveless top, the torso's width
    top = WarpedGarment(colour=np.broadcast_to(RED, (H, W, 3)).astype(np.float32), alpha=fitted,
                        parts={"torso": fitted}, sleeveless=True)  # fmt: skip
    out = compose(person_photo(worn), worn, top, "upper").image.astype(np.float32)
    for side in ("left", "right"):
        a, b = sk[f"{side}_shoulder"], sk[f"{side}_elbow"]
        axis = (b - a) / np.linalg.norm(b - a)
        normal = np.array([-axis[1], axis[0]])
        if (sk.shoulder_center - a) @ normal > 0:
            normal = -normal  # (away from the body)
        for t in (0.5, 0.7):
            p = a + (b - a) * t + normal * 0.125 * S  # inside the old sleeve (0.147 S), past the arm
            assert out[int(round(p[1])), int(round(p[0]))].mean() > 220, (side, t)  # the backdrop (235)
            q = a + (b - a) * t  # the arm itself is skin
            assert abs(out[int(round(q[1])), int(round(q[0]))].mean() - SKIN.mean()) < 30


def test_the_body_shape_ends_at_the_outer_edge_of_an_arm_hanging_against_the_body():
    """The torso's shape is a polygon from the shoulders to past the hips; an arm hanging against the
    body lies inside it, and the old sleeve past the arm's outer edge was filled as skin too."""
    from dataclasses import replace

    from tryon.compose.limbs import body_shape

    body = synthetic_body()
    sk = body.skeleton
    points = dict(sk.points)
    cx = W / 2
    for side, sign in (("left", 1), ("right", -1)):
        points[f"{side}_elbow"] = np.array([cx + sign * 0.4 * S, 480.0])  # down along the body's side
        points[f"{side}_wrist"] = np.array([cx + sign * 0.45 * S, 640.0])
    hanging = replace(body, skeleton=replace(sk, points=points),
                      person=np.ones(body.size, np.float32))  # (the old sleeve wide around it)  # fmt: skip
    radii = {"left": 0.12 * S, "right": 0.12 * S}
    shape = body_shape(hanging, "upper", radii)
    for side, sign in (("left", 1), ("right", -1)):
        elbow = points[f"{side}_elbow"]
        assert shape[int(elbow[1]), int(elbow[0])]  # the arm
        assert not shape[int(elbow[1]), int(elbow[0] + sign * 0.2 * S)], side  # past its outer edge
        assert shape[int(elbow[1]), int(cx)]  # the torso


def test_a_filled_arm_is_darker_on_the_side_away_from_the_light():
    """Real arms in these photos are shaded 25-40% across, mostly from one side (the key light's); a
    filled arm was about 8% darker at both its sides, a flat strip beside the real ones (issue 3:
    viton256_000066 and viton256_004912, long sleeves replaced). The light's side is read from the
    face, one half of which is brighter."""
    worn = long_sleeved_wearer()
    sk = worn.skeleton
    photo = person_photo(worn).astype(np.float32)
    face = worn.face > 0.5
    lit = face & (np.arange(W)[None, :] >= W / 2)  # the face's image-right half is lit
    photo[lit] *= 1.15
    photo[face & ~lit] *= 0.85
    out = compose(np.clip(photo, 0, 255).astype(np.uint8), worn, wide_top(sleeveless=True), "upper").image
    out = out.astype(np.float32)
    for side in ("left", "right"):
        a, b = sk[f"{side}_shoulder"], sk[f"{side}_elbow"]
        centre = a + (b - a) * 0.6
        right = out[int(centre[1]), int(centre[0] + 0.07 * S)].mean()
        left = out[int(centre[1]), int(centre[0] - 0.07 * S)].mean()
        assert right > 1.1 * left, (side, left, right)  # brighter towards the light


def test_the_body_shape_slopes_down_from_the_neck_to_each_shoulders_cap():
    """The torso's shape had a flat top 0.18 S above the shoulder joints, out to above the joints: under
    a boxy old top, the chest and shoulders filled under a camisole put on had square shoulder tops
    (issue 3: dresscode_049205 with a camisole). Above a joint the shape ends at the arm's round cap;
    it is high from a little inside it (where the shoulder's outline is, on the photos, 0.15 S up)."""
    shape, sk = _body_shape_under_a_boxy_top()
    for side, inward in (("left", -1), ("right", 1)):
        joint = sk[f"{side}_shoulder"]
        assert not shape[int(joint[1] - 0.175 * S), int(joint[0])]  # above the joint: past its cap (1.2 r)
        assert shape[int(joint[1] - 0.12 * S), int(joint[0] + inward * 0.35 * S)]  # towards the neck
        assert shape[int(joint[1] - 0.15 * S), int(joint[0] + inward * 0.2 * S)]  # a real shoulder's top


def test_the_body_shape_rises_beside_the_neck_into_the_trapezius():
    """Beside the neck the torso's shape was flat 0.18 S above the shoulders' line: under an old top whose
    collar or shoulders rose higher there, the skin filled under a wider new neckline met the neck at a
    right angle, a flat shelf with backdrop above it (issue 3: rows 1, 8, 9 and 49). The neck flares
    into the shoulders: 0.2 S from the centre line the shape reaches 0.28 S above the shoulders' line,
    and it still slopes down to each shoulder's cap."""
    shape, sk = _body_shape_under_a_boxy_top()
    c = sk.shoulder_center
    for sign in (1, -1):
        assert shape[int(c[1] - 0.25 * S), int(c[0] + sign * 0.2 * S)]  # the trapezius beside the neck
        assert not shape[int(c[1] - 0.25 * S), int(c[0] + sign * 0.4 * S)]  # lower towards the shoulder
    # (And the neck's own column is unchanged above it.)
    assert not shape[int(c[1] - 0.32 * S), int(c[0] + 0.22 * S)]


def test_a_bare_arms_shadowed_edge_against_the_old_top_is_kept_when_the_side_is_filled():
    """The fill starts a little inside the skin next to the old top, over a lace trim's mixed pixels.
    Beside a bare arm hanging against the old top those pixels are the arm's own shadowed edge: covered,
    the arm and the side filled beside it merged into one flat block (issue 3: vitonhd_00034 in a
    sleeveless shirt, a narrower camisole put on)."""
    from tryon.compose.fill import fill_uncovered
    from tryon.compose.limbs import limb_measures
    from tryon.perception.estimate import ARM_RADIUS

    body = synthetic_body()
    sk = body.skeleton
    rows = np.arange(H)[:, None]
    old = body.upper_clothes > 0.5
    skin = body.skin > 0.5
    photo = person_photo(body).astype(np.float32)
    arms = np.zeros(body.size, bool)
    for side in ("left", "right"):
        arms |= M.band(body.size, [sk[f"{side}_shoulder"], sk[f"{side}_elbow"]], ARM_RADIUS * S)
    edge = skin & arms & M.dilate(old, 9) & ~M.dilate(old, 5) & (rows > SHOULDER_Y + 0.5 * S)  # its side by the top
    assert edge.sum() > 100
    photo[edge] = SKIN * 0.7  # in shadow
    out = fill_uncovered(photo, body, old, "upper", limb_measures(body))
    # (Past the few pixels over which the fill's seam fades into the skin it continues.)
    assert np.abs(out[edge] - photo[edge]).max() < 6  # (the shadow is 60 levels deep)


def test_no_trace_of_the_old_sleeve_where_a_filled_arm_meets_the_filled_backdrop():
    """Where an old sleeve was wider than the arm, the fill draws the arm and, beyond it, the backdrop.
    The backdrop's fill was feathered at its edge against the arm's: a quarter of the old sleeve's
    colour stayed there, a tinted line along the arm's outline (issue 3: viton256_005510's purple
    sleeve, row 122)."""
    from tryon.compose.fill import fill_uncovered
    from tryon.compose.limbs import limb_measures

    worn = long_sleeved_wearer()  # sleeves 0.2 S wide on either side of the arm's line
    rows = np.arange(H)[:, None]
    photo = person_photo(worn).astype(np.float32)
    sleeves = (worn.upper_clothes > 0.5) & (worn.skin < 0.5) & (rows > SHOULDER_Y + 0.4 * S) & (rows < 640)
    purple = np.array([120, 50, 170], np.float32)
    photo[sleeves] = purple
    out = fill_uncovered(photo, worn, sleeves, "upper", limb_measures(worn))
    cols = np.arange(W)[None, :]
    # (The sleeves beside the torso; at the region's own border the fill fades into the photo.)
    inner = M.erode(sleeves, 3) & (np.abs(cols - W / 2) > 0.8 * S)
    tint = out[inner][:, 2] - out[inner][:, 1]  # blue over green: the purple's mark (skin and backdrop have none)
    assert tint.max() < 8, tint.max()


def test_a_thin_line_of_old_top_along_a_bare_arms_outline_is_left_as_it_is():
    """The mixed pixels of a bare arm's outline against the backdrop are parsed as the old top, a line a
    pixel or two wide; filled, they left light specks along the arm (issue 3: vitonhd_00034's bare arms,
    a camisole put on). A strap (skin on both sides) and the old top's body are not such a line."""
    from dataclasses import replace

    from tryon.compose.blend import _outline_sliver
    from tryon.perception.estimate import ARM_RADIUS

    body = synthetic_body()
    sk = body.skeleton
    rows = np.arange(H)[:, None]
    arm = M.band(body.size, [sk["left_shoulder"], sk["left_elbow"], sk["left_wrist"]], ARM_RADIUS * S)
    rim = arm & ~M.erode(arm, 2) & ~M.dilate(body.upper_clothes > 0.5, 3) & (rows > 420) & (rows < 600)
    outline = rim & M.dilate(body.person < 0.5, 2)  # the side against the backdrop
    neck = (rows > 200) & (rows < 215) & (np.abs(np.arange(W)[None, :] - W / 2) < 30)
    strap = neck & (np.abs(np.arange(W)[None, :] - W / 2 - 10) < 2)  # across bare skin
    assert outline.sum() > 100 and strap.sum() > 20 and (body.skin[strap] > 0.5).all()
    old = (body.upper_clothes > 0.5) | outline | strap
    worn = replace(body, skin=np.where(outline | strap, 0.0, body.skin).astype(np.float32))
    found = _outline_sliver(worn, old, S)
    assert found[outline].mean() > 0.8
    assert not found[strap].any()
    assert not found[M.erode(body.upper_clothes > 0.5, 4)].any()


def test_filled_skin_under_the_new_tops_edge_is_in_its_shadow(monkeypatch):
    """Skin filled inside a new V-neck was one flat tone up to the garment's edge, as if pasted over it
    (issue 3: the V's and scoops on vitonhd_00034, viton256_005510 and _015794). The garment's edge casts
    a soft shadow on the skin below and beside it; not on skin above a straight edge (light comes from
    above), nor on an arm in front of the garment's body."""
    from tryon.compose import blend

    worn, photo, top = camisole_wearer()
    rows, cols = np.arange(H)[:, None], np.arange(W)[None, :]
    cx = W / 2
    vee = np.abs(cols - cx) < 0.5 * (560 - rows)  # a V from the camisole's edge down to row 560
    camisole = worn.upper_clothes > 0.5
    alpha = (camisole & ~vee).astype(np.float32)
    v_top = WarpedGarment(colour=top.colour, alpha=alpha, parts={"torso": alpha})

    def shaded(garment, wearer=worn, image=photo):
        with_shadow = compose(image, wearer, garment, "upper").image.astype(np.float32)
        monkeypatch.setattr(blend, "CONTACT_DARK", 0.0)
        without = compose(image, wearer, garment, "upper").image.astype(np.float32)
        monkeypatch.undo()
        return with_shadow.mean(axis=2) / np.maximum(without.mean(axis=2), 1)

    ratio = shaded(v_top)
    inside = vee & camisole & (rows > 430) & (rows < 530)
    edge_dist = 0.5 * (560 - rows) - np.abs(cols - cx)  # how far inside the V's edge, along the row
    reach = blend.CONTACT_REACH * S
    at_edge = inside & (edge_dist > 1) & (edge_dist < reach)
    middle = inside & (edge_dist > 5 * reach)
    assert at_edge.sum() > 50 and middle.sum() > 50
    below_edge = 1 - ratio[at_edge].mean()
    assert below_edge > 0.05, below_edge
    assert ratio[middle].min() > 0.99
    # Above the straight edge of the camisole_wearer's new top (rows 470 on): far less shadow.
    ratio = shaded(top)
    above = (rows >= 470 - reach) & (rows < 469) & (np.abs(cols - cx) < 0.3 * S)
    assert 1 - ratio[above].mean() < 0.5 * below_edge, ratio[above].mean()
    # An arm drawn where the old sleeve was is in front of a sleeveless top's body: no shadow on it.
    body = synthetic_body()
    sk = body.skeleton
    sleeves = np.zeros(body.size, bool)
    for side in ("left", "right"):
        a, b = sk[f"{side}_shoulder"], sk[f"{side}_elbow"]
        sleeves |= M.band(body.size, [a + 0.35 * (b - a), a + 0.6 * (b - a)], 0.2 * S)
    sleeves &= body.skin > 0.5  # (the arm's whole width)
    from dataclasses import replace

    f = lambda m: m.astype(np.float32)  # noqa: E731
    clothed = replace(body, skin=f((body.skin > 0.5) & ~sleeves), upper_clothes=f((body.upper_clothes > 0.5) | sleeves))
    garment = wide_top(True)
    ratio = shaded(garment, clothed, person_photo(clothed))
    in_front = sleeves & (garment.alpha > 0.5) & (rows > 320)
    assert in_front.sum() > 100
    assert ratio[in_front].min() > 0.99


@pytest.mark.parametrize("sure", [False, True], ids=["outline", "old_top"])
def test_a_bare_arms_outline_parsed_as_the_old_top_is_not_covered_beside_a_narrower_sleeve(sure):
    """A bare arm's outline against the backdrop is mixed pixels that the parsing takes for the old top
    in dashes, never surely (issue 3: vitonhd_00034's arms, a velvet wrap with short sleeves put on).
    Beside a sleeve narrower than the arm, the top was stretched over the dashes across the arm's skin:
    blobs of the garment, a scalloped sleeve edge. A rim of old top parsed surely is covered as before."""
    from dataclasses import replace

    body = synthetic_body()
    rows, cols = np.arange(H)[:, None], np.arange(W)[None, :]
    f = lambda m: m.astype(np.float32)  # noqa: E731
    person = body.person > 0.5
    shoulder = (np.abs(cols - W / 2) > 0.45 * S) & (rows < SHOULDER_Y + 0.2 * S) & (body.face < 0.5)
    rim = person & ~M.erode(person, 3) & shoulder & (rows > SHOULDER_Y - 0.3 * S)  # 3 px at the outline
    rim &= (rows // 12) % 2 == 0  # in dashes
    torso = (body.upper_clothes > 0.5) & (np.abs(cols - W / 2) < 0.45 * S)
    upper = f(torso) + (1.0 if sure else 0.7) * f(rim)
    worn = replace(body, upper_clothes=upper, skin=f(person & ~torso & ~rim & (body.face < 0.5)))
    photo = person_photo(worn)
    # The new top reaches over the shoulder to 7 px short of the outline: the arm's skin shows between.
    alpha = f((torso | (shoulder & M.erode(person, 7))) & person)
    out = compose(photo, worn, red_top_with_sleeves(alpha), "upper").image.astype(np.float32)
    assert rim.sum() > 50
    is_red = (out[..., 0] > 150) & (out[..., 1] < 90)
    if sure:
        assert is_red[rim].mean() > 0.8
    else:
        assert is_red[rim].mean() < 0.1
        between = shoulder & person & ~M.erode(person, 3) & ~rim & M.erode(person, 1)
        assert is_red[between & (rows > SHOULDER_Y - 0.2 * S)].mean() < 0.1  # no blobs across the skin


def test_an_arm_filled_far_from_bare_skin_takes_its_hands_tone_where_the_hand_shows():
    """Fashion photos light the face far more than the arms: arms drawn under old long sleeves in the
    face's tone were pale bars beside darker hands (issue 3: viton256_004912's arms, rows 116-119).
    Where the arm's hand shows, the fill drifts to the hand's tone instead."""
    from dataclasses import replace

    worn = long_sleeved_wearer()
    sk = worn.skeleton
    f = lambda m: m.astype(np.float32)  # noqa: E731
    hands = np.zeros(worn.size, bool)
    for side in ("left", "right"):
        wrist, elbow = sk[f"{side}_wrist"], sk[f"{side}_elbow"]
        hand_at = wrist + 0.2 * S * (wrist - elbow) / np.linalg.norm(wrist - elbow)
        hands |= M.band(worn.size, [hand_at], 0.1 * S)
    worn = replace(worn, hands=f(hands), skin=f((worn.skin > 0.5) | hands), person=f((worn.person > 0.5) | hands),
                   upper_clothes=f((worn.upper_clothes > 0.5) & ~hands))  # fmt: skip
    hand_tone = SKIN * np.array([0.72, 0.62, 0.58])  # darker and redder than the face
    photo = person_photo(worn).astype(np.float32)
    photo[hands] = hand_tone
    out = compose(photo.astype(np.uint8), worn, wide_top(sleeveless=True), "upper").image.astype(np.float32)
    for side in ("left", "right"):
        p = sk[f"{side}_shoulder"] + 0.6 * (sk[f"{side}_elbow"] - sk[f"{side}_shoulder"])  # up the arm
        tone = out[int(p[1]) - 3 : int(p[1]) + 4, int(p[0]) - 3 : int(p[0]) + 4].reshape(-1, 3).mean(axis=0)
        assert np.linalg.norm(tone - hand_tone) < np.linalg.norm(tone - SKIN), tone


@pytest.mark.parametrize("in_pocket", [True, False], ids=["in_pocket", "hanging"])
def test_a_hand_in_a_pocket_goes_under_a_longer_new_top(in_pocket):
    """A hand in a trouser pocket shows only its wrist. A new top longer than the old one covers the
    pocket, and the wrist, kept in front as a hand, was a patch of skin on the top (issue 3:
    viton256_014834, rows 124, 126 and 127; dresscode_051482). The arm's line carried on past the
    wrist runs into the trousers: the hand goes under the top. A hand hanging free stays in front."""
    from dataclasses import replace

    body = synthetic_body()
    sk = body.skeleton
    f = lambda m: m.astype(np.float32)  # noqa: E731
    hands = np.zeros(body.size, bool)
    pockets = np.zeros(body.size, bool)
    for side in ("left", "right"):
        wrist, elbow = sk[f"{side}_wrist"], sk[f"{side}_elbow"]
        along = (wrist - elbow) / np.linalg.norm(wrist - elbow)
        hands |= M.band(body.size, [wrist], 0.06 * S)
        pockets |= M.band(body.size, [wrist + 0.2 * S * along], 0.12 * S)
    pockets &= ~hands
    lower = (body.lower_clothes > 0.5) | (pockets if in_pocket else np.zeros_like(pockets))
    person = (body.person > 0.5) | lower | hands
    worn = replace(body, hands=f(hands), skin=f((body.skin > 0.5) | hands), lower_clothes=f(lower), person=f(person))
    photo = person_photo(worn)
    rows, cols = np.arange(H)[:, None], np.arange(W)[None, :]
    alpha = f((rows > 300) & (rows < 760) & (np.abs(cols - W / 2) < 1.5 * S) & (worn.face < 0.5))
    top = WarpedGarment(colour=np.broadcast_to(RED, (H, W, 3)).astype(np.float32), alpha=alpha, parts={"torso": alpha})
    out = compose(photo, worn, top, "upper").image.astype(np.float32)
    is_red = np.linalg.norm(out - RED, axis=2) < 60
    assert hands.sum() > 200
    if in_pocket:
        assert is_red[hands].mean() > 0.8 and is_red[M.erode(hands, 3)].mean() > 0.95
    else:
        assert is_red[hands].mean() < 0.05
        assert np.abs(out[M.erode(hands, 2)] - SKIN).max(axis=1).mean() < 12
