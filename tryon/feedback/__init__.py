"""Feedback on every result: ratings stored as a `datasets` dataset for retraining."""

from tryon.feedback.recorder import FeedbackService, ResultRecord
from tryon.feedback.schema import FEATURES, REASONS
from tryon.feedback.store import FeedbackStore, load_feedback, shopper_hash

__all__ = ["FEATURES", "REASONS", "FeedbackService", "FeedbackStore", "ResultRecord", "load_feedback", "shopper_hash"]
