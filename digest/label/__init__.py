"""Label: what is on topic, and the section model (training, evaluation, prediction)."""
