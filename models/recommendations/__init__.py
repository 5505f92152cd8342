"""Recommendations: ALS + EASE personal ranking, basket co-purchase, decayed trending per category and category
cold start, blended into one ranker that names the strategy behind every item.

    from models.recommendations import train
    model = train(interactions)            # user_id, item_id, weight[, ts]
    model.recommend(["u1"], k=10)          # {"u1": [item, ...]}
    model.recommend_explained(["u1"])      # {"u1": [(item, score, strategy), ...]}
    model.similar_items(["i1"])            # {"i1": [item, ...]}
"""
from models.recommendations.recommender import Recommender
from models.recommendations.train import DEFAULT_PARAMS, train

__all__ = ["DEFAULT_PARAMS", "Recommender", "train"]
