"""DataFrames from the C++ module's columns and from the JSON reports."""
import pandas as pd


def from_columns(columns):
    """A DataFrame from (name, array) and (name, codes, categories) tuples, column by column.

    String columns become pandas categoricals sharing one list of distinct strings (code -1 is a
    missing value), so that a trace of millions of kernels costs four bytes per name.
    """
    data = {}
    for col in columns:
        if len(col) == 2:
            data[col[0]] = col[1]
        else:
            name, codes, categories = col
            data[name] = pd.Categorical.from_codes(codes, categories=pd.Index(categories, dtype=object))
    return pd.DataFrame(data, copy=False)


def from_records(records, drop_null_objects=()):
    """A flat DataFrame from JSON objects: nested objects become dotted columns ("flops.fp32").

    drop_null_objects: keys that hold an object in some records and null in others (a group's
    "collective"); the null is dropped so that the object's fields stay the only columns.
    """
    if drop_null_objects:
        records = [{k: v for k, v in r.items() if not (k in drop_null_objects and v is None)} for r in records]
    if not records:
        return pd.DataFrame()
    return pd.json_normalize(records, sep=".")


def diagnostics(entries):
    """The diagnostics table: severity, code, message, count (plus rank where known)."""
    cols = ["severity", "code", "message", "count"]
    if not entries:
        return pd.DataFrame({c: pd.Series(dtype=object if c != "count" else "int64") for c in cols})
    return pd.DataFrame(entries)
