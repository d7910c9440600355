"""What the dashboard stores for a typed event, as metrics.jsonl lines (for spilling).

It mirrors the server's expansion (src/Dashboard/Ingest/EventExpander.cs), itself afterimage's
track_generation / track_evaluation, so a spilled event imported later gets the same content ids as
if it had been delivered live: replaying a spill never stores a point twice.
"""
from typing import Any, Dict, List, Optional

# cached_token_count: the part of prompt_token_count served from a prompt cache (priced at the cached-input price).
TOKENS = ("prompt_token_count", "completion_token_count", "total_token_count", "cached_token_count")
GENERATION_FIELDS = {"duration", "success", "error", "model_name", "finish_reason", *TOKENS, "conversation_length", "metadata"}
EVALUATION_FIELDS = {"duration", "success", "error", "evaluator_type", "scores", "model_name", *TOKENS, "metadata"}


def _extra(kwargs: Dict[str, Any], known: set) -> Dict[str, Any]:
    """The event's metadata plus the arguments the event type does not define (the server keeps them so)."""
    extra = {k: v for k, v in kwargs.items() if k not in known}
    extra.update(kwargs.get("metadata") or {})
    extra.pop("timestamp", None)
    return extra


def _line(name: str, value: Any, stamp: str, meta: Dict[str, Any], model: Optional[str] = None) -> Dict[str, Any]:
    # The event's tags win over metadata keys of the same name, as on the server.
    line = {"metric": name, "value": value, **meta}
    if model is not None:
        line["model_name"] = model
    line["timestamp"] = stamp
    return line


def generation(duration: float, success: bool, kwargs: Dict[str, Any], stamp: str) -> List[Dict[str, Any]]:
    meta = _extra(kwargs, GENERATION_FIELDS)
    lines = [_line("generation_time", duration, stamp, meta), _line("success_rate", 1.0 if success else 0.0, stamp, meta)]
    if "error" in kwargs:
        lines.append(_line("error_rate", 1.0 if kwargs["error"] else 0.0, stamp, meta))
    if "model_name" in kwargs:
        lines.append(_line(f"model_usage:{kwargs['model_name']}", 1.0, stamp, meta))
    if "finish_reason" in kwargs:
        lines.append(_line(f"finish_reason:{kwargs['finish_reason']}", 1.0, stamp, meta))
    model = kwargs.get("model_name")
    for name in TOKENS:
        if kwargs.get(name) is not None:
            lines.append(_line(name, kwargs[name], stamp, meta, model if isinstance(model, str) else None))
    if kwargs.get("conversation_length") is not None:
        lines.append(_line("conversation_length", kwargs["conversation_length"], stamp, meta))
    return lines


def evaluation(duration: float, success: bool, evaluator_type: str, scores: Dict[str, Any], kwargs: Dict[str, Any],
               stamp: str) -> List[Dict[str, Any]]:
    meta = _extra(kwargs, EVALUATION_FIELDS)
    lines = [_line("evaluation_time", duration, stamp, {**meta, "evaluator_type": evaluator_type, "success": success})]
    for name, score in (scores or {}).items():
        feedback = score.get("feedback") if isinstance(score, dict) else None
        value = score.get("score", 0) if isinstance(score, dict) else score
        lines.append(_line(f"evaluation_score_{name}", value, stamp, {**meta, "evaluator_type": evaluator_type, "feedback": feedback}))
    if "error" in kwargs:
        lines.append(_line("evaluation_error_rate", 1 if kwargs["error"] else 0, stamp, {**meta, "evaluator_type": evaluator_type}))
    model = kwargs.get("model_name")
    for name in TOKENS:
        if kwargs.get(name) is not None:
            lines.append(_line(name, kwargs[name], stamp, meta, model if isinstance(model, str) else None))
    return lines
