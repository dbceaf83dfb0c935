"""The rating widget under every result, and the one `rate` endpoint."""

from __future__ import annotations

import gradio as gr

from tryon.feedback import REASONS, FeedbackService

_service: FeedbackService | None = None
STARS = [("1 - poor", 1), ("2", 2), ("3", 3), ("4", 4), ("5 - great", 5)]


def feedback_service() -> FeedbackService:
    global _service
    if _service is None:
        _service = FeedbackService()
    return _service


def rate(result_id: str, rating: int, reasons: list[str] | None = None, comment: str = "", consent: bool = False):
    """Rate a result: 1-5 stars, reason tags for its tab, an optional comment, and consent to store the inputs.

    Returns what was stored (result id, rating, which images were kept).
    """
    if not result_id:
        raise gr.Error("Nothing to rate yet: make a result first.")
    if rating is None:
        raise gr.Error("Choose 1 to 5 stars.")
    try:
        stored = feedback_service().rate(result_id, int(rating), reasons or [], comment or "", bool(consent))
    except (KeyError, ValueError) as e:
        raise gr.Error(str(e)) from e
    gr.Info("Thank you! Your rating was saved.")
    return stored


def rate_endpoint() -> None:
    """The public /rate endpoint for scripts: hidden inputs that accept every tab's reasons."""
    from tryon.feedback.schema import REASONS as ALL

    every_reason = sorted({r for reasons in ALL.values() for r in reasons})
    with gr.Group(visible=False):
        result_id = gr.Textbox(label="result_id")
        rating = gr.Slider(1, 5, step=1, value=3, label="rating")
        reasons = gr.CheckboxGroup(every_reason, label="reasons")
        comment = gr.Textbox(label="comment")
        consent = gr.Checkbox(label="consent")
        stored = gr.JSON()
        button = gr.Button("rate")
    button.click(rate, [result_id, rating, reasons, comment, consent], stored, api_name="rate")


def rating_block(tab: str, result_id: gr.Textbox) -> None:
    """Stars, reasons, comment, consent and a send button for the result whose id is in `result_id`."""
    with gr.Group():
        with gr.Row():
            stars = gr.Radio(STARS, label="Rate this result", scale=3, elem_classes=["rating-stars"])
            consent = gr.Checkbox(label="You may store my input photos to improve the models", value=False, scale=2)
        reasons = gr.CheckboxGroup(list(REASONS[tab]), label="What was wrong? (optional)")
        with gr.Row():
            comment = gr.Textbox(label="Comment (optional)", scale=4, max_lines=3)
            send = gr.Button("Send rating", scale=1, elem_id=f"rate-{tab}")
        stored = gr.JSON(visible=False)
    send.click(_rate_from_widget, [result_id, stars, reasons, comment, consent], stored, api_visibility="private")


def _rate_from_widget(result_id, rating, reasons, comment, consent):
    # A function of its own: Gradio names endpoints after functions, and "rate" is the public one.
    return rate(result_id, rating, reasons, comment, consent)
