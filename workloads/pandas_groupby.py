# sandbox-harness: workload
# id: wl.pandas-groupby
# image: science
# expect-stdout-file: expected/pandas_groupby.out
# summary: groups a small pandas DataFrame by two keys and prints counts, sums and means
import pandas as pd

df = pd.DataFrame({
    "team": ["red", "blue", "red", "green", "blue", "red", "green", "blue"],
    "kind": ["a", "a", "b", "a", "b", "a", "b", "b"],
    "score": [10, 7, 3, 8, 5, 6, 9, 4],
})
summary = df.groupby(["team", "kind"])["score"].agg(["count", "sum", "mean"])
print("pandas", pd.__version__)
print(summary.to_string())
print(df.groupby("team")["score"].sum().sort_values(ascending=False).to_string())
