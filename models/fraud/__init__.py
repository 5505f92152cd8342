"""Fraud scoring of orders: `train(frame, label="is_fraud", params=None)` returns a model whose `.score(frame)`
gives a calibrated probability, an approve / review / reject decision and the reasons in words.
`dataset.load` builds the training frame from Feast (fraud_v1) and the warehouse; `task.TASK` is what the
pipeline drives; `rules.RulesModel` is the risk team's baseline."""
from models.fraud.model import FraudModel
from models.fraud.rules import RulesModel
from models.fraud.train import train

__all__ = ["FraudModel", "RulesModel", "train"]
