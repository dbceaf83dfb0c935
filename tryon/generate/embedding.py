"""An embedding of garment photos for "similar in the catalog", computed by the project itself.

Two parts, each a unit vector: the *form* (the mask on a 16x12 grid inside the garment's box, the
box's aspect, and the width profile down the garment: this separates tees from trousers from
dresses) and the *look* (a soft histogram of the garment's pixels over hue x lightness, their
median Lab colour, and the energy of fine detail for patterns). Similarity is the product of
the two cosine similarities. `rank` first decides the query's category from its form (a vote of
its nearest neighbours by form, whose categories are known), then orders that category's items by
look: what a shopper means by "similar" is the same kind of garment in a similar colour and pattern.
"""

from __future__ import annotations

import cv2
import numpy as np

from tryon.garment import garment_mask

FORM_DIM = 16 * 12 + 2 + 16 + 4


def garment_embedding(image: np.ndarray, mask: np.ndarray | None = None) -> np.ndarray:
    """A vector [form (unit), look (unit)] describing the garment in a product photo (H, W, 3 uint8)."""
    if mask is None:
        mask = garment_mask(image)
    ys, xs = np.nonzero(mask)
    y0, y1, x0, x1 = ys.min(), ys.max() + 1, xs.min(), xs.max() + 1
    crop = mask[y0:y1, x0:x1].astype(np.float32)
    h, w = crop.shape
    # Form: the mask in its box (padded to 4:3 so the aspect shows), the aspect, the width profile.
    side_h, side_w = max(h, int(w * 4 / 3)), max(w, int(h * 3 / 4))
    canvas = np.zeros((side_h, side_w), np.float32)
    canvas[(side_h - h) // 2 : (side_h - h) // 2 + h, (side_w - w) // 2 : (side_w - w) // 2 + w] = crop
    grid = cv2.resize(canvas, (12, 16), interpolation=cv2.INTER_AREA).ravel()
    profile = cv2.resize(crop.mean(axis=1, keepdims=True), (1, 16), interpolation=cv2.INTER_AREA).ravel()
    aspect = np.array([np.log(h / max(w, 1)), 0.5], np.float32)
    # Structure: a gap between legs (trousers, shorts), a hem that flares past the chest (dresses,
    # skirts), a neck opening in the top edge (tops, dresses).
    lower_half = crop[h // 2 :, max(0, w // 2 - 1) : w // 2 + 2]
    legs = float((lower_half.min(axis=1) < 0.5).mean()) if lower_half.size else 0.0
    rows = crop.sum(axis=1)
    flare = float(np.clip(rows[int(0.95 * (h - 1))] / max(rows[int(0.35 * (h - 1))], 1.0), 0, 3))
    top_edge = crop[: max(1, h // 8), w // 3 : 2 * w // 3]
    neck = float(1.0 - top_edge.mean()) if top_edge.size else 0.0
    body = rows[int(0.5 * (h - 1)) : int(0.98 * (h - 1)) + 1]
    spread = float(np.clip(body.max() / max(body.min(), 1.0), 1, 3)) if body.size else 1.0  # skirts of dresses
    structure = np.array([legs * 3, (flare - 1) * 5, neck * 2, (spread - 1) * 5], np.float32)
    form = np.concatenate([grid / 8, aspect * 2, profile * 2, structure * 2])
    # Look: hue x lightness histogram (grey pixels in their own bin), median Lab colour, pattern energy.
    small = cv2.resize(image[y0:y1, x0:x1], (64, 64), interpolation=cv2.INTER_AREA)
    small_mask = cv2.resize(crop, (64, 64), interpolation=cv2.INTER_AREA) > 0.5
    hls = cv2.cvtColor(small, cv2.COLOR_RGB2HLS_FULL).astype(np.float32)[small_mask]
    hue_bin = np.where(hls[:, 2] < 40, 12, np.floor(hls[:, 0] / 256 * 12)).astype(int)
    light_bin = np.clip(hls[:, 1] / 256 * 4, 0, 3.999).astype(int)
    hist = np.zeros((13, 4), np.float32)
    np.add.at(hist, (hue_bin, light_bin), 1.0)
    hist = np.sqrt(hist.ravel() / max(len(hls), 1))
    lab = cv2.cvtColor(small, cv2.COLOR_RGB2LAB).astype(np.float32)[small_mask]
    median = (np.median(lab, axis=0) - np.array([128.0, 128.0, 128.0])) / np.array([96.0, 40.0, 40.0])
    gray = cv2.cvtColor(small, cv2.COLOR_RGB2GRAY).astype(np.float32)
    fine = np.abs(gray - cv2.GaussianBlur(gray, (0, 0), 1.0))[small_mask].mean() / 32
    coarse = np.abs(gray - cv2.GaussianBlur(gray, (0, 0), 4.0))[small_mask].mean() / 32
    look = np.concatenate([hist, median * 1.5, [fine, coarse], [0.7]])
    form = form / max(np.linalg.norm(form), 1e-6)
    look = look / max(np.linalg.norm(look), 1e-6)
    return np.concatenate([form, look]).astype(np.float32)


def similarity(query: np.ndarray, table: np.ndarray) -> np.ndarray:
    """Similarity of each row of `table` to `query`: form cosine x look cosine, in [-1, 1]."""
    form = table[:, :FORM_DIM] @ query[:FORM_DIM]
    look = table[:, FORM_DIM:] @ query[FORM_DIM:]
    return np.clip(form, 0, 1) * np.clip(look, 0, 1)


def rank(query: np.ndarray, table: np.ndarray, categories: list[str], k: int = 5, votes: int = 7,
         exclude: int | None = None, category: str | None = None) -> list[tuple[int, float]]:  # fmt: skip
    """The k items of `table` most similar to `query`, within `category` (predicted when None).

    Returns (index, similarity) pairs, similarity = form cosine x look cosine.
    """
    form = table[:, :FORM_DIM] @ query[:FORM_DIM]
    if exclude is not None:
        form[exclude] = -np.inf
    if category is None:
        tally: dict[str, float] = {}
        for i in np.argsort(-form)[:votes]:
            tally[categories[i]] = tally.get(categories[i], 0.0) + float(np.exp(8 * form[i]))
        category = max(tally, key=tally.get)
    sims = similarity(query, table)
    look = table[:, FORM_DIM:] @ query[FORM_DIM:]
    order = [int(i) for i in np.argsort(-(look + 0.3 * np.clip(form, -1, 1))) if categories[i] == category]
    order = [i for i in order if i != exclude]
    return [(i, float(sims[i])) for i in order[:k]]


def nearest(query: np.ndarray, table: np.ndarray, k: int = 5) -> list[tuple[int, float]]:
    """Indices and similarities of the k rows of `table` closest to `query`."""
    sims = similarity(query, table)
    order = np.argsort(-sims)[:k]
    return [(int(i), float(sims[i])) for i in order]
