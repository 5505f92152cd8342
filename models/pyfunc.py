"""The MLflow face of a trained model: one pickled object logged as the artifact "model", loaded back into
`self.model`, with a frame-in, frame-out `predict` per kind. Serving loads `models:/<name>@champion` with
`mlflow.pyfunc.load_model(...)` and may reach the native object with `.unwrap_python_model().model`."""
from __future__ import annotations

import pickle
from typing import Any

import mlflow.pyfunc
import pandas as pd

from models.base import ARTIFACT


class PickledModel(mlflow.pyfunc.PythonModel):
    model: Any = None

    def load_context(self, context) -> None:
        with open(context.artifacts[ARTIFACT], "rb") as fh:
            self.model = pickle.load(fh)

    def predict(self, context, model_input: pd.DataFrame, params: dict | None = None) -> pd.DataFrame:
        return self.predict_frame(self.model, model_input)

    def predict_frame(self, model: Any, frame: pd.DataFrame) -> pd.DataFrame:  # overridden per kind
        raise NotImplementedError
