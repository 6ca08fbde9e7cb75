"""Copy FerretDB 1.24.2 from the Go module cache and apply the project's patches.

1. FerretDB's SQLite backend creates the unique `_id` index on `_ferretdb_sjson->"_id"`
   but queries `_ferretdb_sjson->'$._id'`. SQLite matches index expressions by their
   text, so every `_id` lookup and every update scanned the whole table: an update by
   `_id` took 170 ms in a collection of 50,000 documents, growing with it (measured
   2026-11-29, docs/NOTES.md). Both expressions give the same value; querying with the
   index's own expression makes SQLite use the index (EXPLAIN: SEARCH … USING INDEX).
2. Only a filter that is `_id` equality alone reached SQLite; any other filter, any sort,
   skip and limit with a filter, and every count read and decoded the whole collection
   in Go. The files under `patches/` (copied in) and PATCHES below run, in SQLite,
   `_id` equality or `$in` and every condition and sort on the fields of indexes named
   `pushdown_…` (the client's promise that those fields are scalars), on expression
   indexes of the same text; when the whole filter and sort ran there, skip, limit and
   counts do too (`QueryResult.Exact`). Every handler still filters what SQLite returns
   with the full filter (docs/NOTES.md; tests/test_pushdown.py).

usage: patch_ferretdb.py <module dir> <destination dir>
"""

import shutil
import stat
import sys
from pathlib import Path

QUERY_OLD = """	q := prepareSelectClause(meta.TableName, params.Comment, meta.Capped(), params.OnlyRecordIDs)

	var whereClause string
	var args []any

	// that logic should exist in one place
	// TODO https://github.com/FerretDB/FerretDB/issues/3235
	if params.Filter.Len() == 1 {
		v, _ := params.Filter.Get("_id")
		switch v.(type) {
		case string, types.ObjectID:
			whereClause = fmt.Sprintf(` WHERE %s = ?`, metadata.IDColumn)
			args = []any{string(must.NotFail(sjson.MarshalSingleValue(v)))}
		}
	}

	q += whereClause
	q += prepareOrderByClause(params.Sort)

	if params.Limit != 0 {
		q += ` LIMIT ?`
		args = append(args, params.Limit)
	}

	rows, err := db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, lazyerrors.Error(err)
	}

	return &backends.QueryResult{
		Iter: newQueryIterator(ctx, rows, params.OnlyRecordIDs),
	}, nil
"""

QUERY_NEW = """	q, args, exact := pushdownQuery(meta, params) // patched: see pushdown.go

	if exact && params.CountOnly {
		var n int64
		if err := db.QueryRowContext(ctx, q, args...).Scan(&n); err != nil {
			return nil, lazyerrors.Error(err)
		}

		return &backends.QueryResult{Iter: newQueryIterator(ctx, nil, params.OnlyRecordIDs), Exact: true, Count: n}, nil
	}

	rows, err := db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, lazyerrors.Error(err)
	}

	return &backends.QueryResult{
		Iter:  newQueryIterator(ctx, rows, params.OnlyRecordIDs),
		Exact: exact,
	}, nil
"""

EXPLAIN_OLD = """	selectClause := prepareSelectClause(meta.TableName, "", meta.Capped(), false)

	var filterPushdown bool
	var whereClause string
	var args []any

	// that logic should exist in one place
	// TODO https://github.com/FerretDB/FerretDB/issues/3235
	if params.Filter.Len() == 1 {
		v, _ := params.Filter.Get("_id")
		switch v.(type) {
		case string, types.ObjectID:
			filterPushdown = true
			whereClause = fmt.Sprintf(` WHERE %s = ?`, metadata.IDColumn)
			args = []any{string(must.NotFail(sjson.MarshalSingleValue(v)))}
		}
	}

	orderByClause := prepareOrderByClause(params.Sort)
	sortPushdown := orderByClause != ""

	q := `EXPLAIN QUERY PLAN ` + selectClause + whereClause + orderByClause

	var limitPushdown bool

	if params.Limit != 0 {
		q += ` LIMIT ?`
		args = append(args, params.Limit)
		limitPushdown = true
	}
"""

EXPLAIN_NEW = """	// patched: the plan of the query pushdown.go builds
	q, args, _ := pushdownQuery(meta, &backends.QueryParams{
		Filter: params.Filter, Sort: params.Sort, Limit: params.Limit,
		Exact: params.Exact, ExactSort: params.ExactSort, ExactSkip: params.ExactSkip, ExactLimit: params.ExactLimit,
	})
	filterPushdown := strings.Contains(q, " WHERE ")
	sortPushdown := strings.Contains(q, " ORDER BY ")
	limitPushdown := strings.Contains(q, " LIMIT ")
	q = `EXPLAIN QUERY PLAN ` + q
"""

PARAMS_FIELDS = """
	// patched: the client's sort, skip and limit, applied by the SQLite backend when it
	// can apply the whole filter and sort (Exact); see sqlite/pushdown.go.
	Exact      bool
	ExactSort  *types.Document
	ExactSkip  int64
	ExactLimit int64
"""

PATCHES = (  # (file, old text, new text, occurrences)
    (
        "internal/backends/sqlite/metadata/metadata.go",
        """IDColumn = DefaultColumn + "->'$._id'\"""",
        """IDColumn = DefaultColumn + `->"_id"` // patched: the unique index's own expression""",
        1,
    ),
    ("internal/backends/sqlite/collection.go", QUERY_OLD, QUERY_NEW, 1),
    ("internal/backends/sqlite/collection.go", EXPLAIN_OLD, EXPLAIN_NEW, 1),
    (
        "internal/backends/sqlite/metadata/registry.go",
        """columns[i] = fmt.Sprintf("%s->%s", DefaultColumn, strings.Join(fields, "->"))""",
        """columns[i] = indexColumn(index.Name, key.Field, fields) // patched: see pushdown.go""",
        1,
    ),
    (
        "internal/backends/sqlite/metadata/registry.go",
        """		if _, err := db.ExecContext(ctx, q); err != nil {
			_ = r.indexesDrop(ctx, dbName, collectionName, created)
			return lazyerrors.Error(err)
		}

		created = append(created, index.Name)""",
        """		if _, err := db.ExecContext(ctx, indexStatement(index.Name, q)); err != nil { // patched
			_ = r.indexesDrop(ctx, dbName, collectionName, created)
			return lazyerrors.Error(err)
		}

		created = append(created, index.Name)""",
        1,
    ),
    (
        "internal/backends/sqlite/metadata/registry.go",
        """q := fmt.Sprintf("DROP INDEX %q", c.TableName+"_"+name)""",
        """q := fmt.Sprintf("DROP INDEX IF EXISTS %q", c.TableName+"_"+name) // patched: declarations""",
        1,
    ),
    (
        "internal/backends/collection.go",
        "\tOnlyRecordIDs bool\n\tComment       string\n}",
        "\tOnlyRecordIDs bool\n\tComment       string\n" + PARAMS_FIELDS
        + "\tCountOnly  bool // answer Count instead of documents when Exact\n}",
        1,
    ),
    (
        "internal/backends/collection.go",
        "type QueryResult struct {\n\tIter types.DocumentsIterator\n}",
        "type QueryResult struct {\n\tIter types.DocumentsIterator\n\n"
        "\t// patched: the backend applied filter, sort, skip and limit exactly (see sqlite/pushdown.go)\n"
        "\tExact bool\n\tCount int64\n}",
        1,
    ),
    (
        "internal/backends/collection.go",
        "type ExplainParams struct {\n\tFilter *types.Document\n\tSort   *types.Document\n\tLimit  int64\n",
        "type ExplainParams struct {\n\tFilter *types.Document\n\tSort   *types.Document\n\tLimit  int64\n"
        + PARAMS_FIELDS,
        1,
    ),
    (
        "internal/handler/msg_find.go",
        "\t\tqp.Limit = params.Limit\n\t}\n\n\th.L.DebugContext(",
        "\t\tqp.Limit = params.Limit\n\t}\n\n"
        "\tif !h.DisablePushdown { // patched: see pushdown.go\n"
        "\t\taskExact(qp, params.Filter, params.Sort, params.Skip, params.Limit)\n\t}\n\n"
        "\th.L.DebugContext(",
        1,
    ),
    (
        "internal/handler/msg_find.go",
        "h.makeFindIter(queryRes.Iter, closer, params)",
        "h.makeFindIter(queryRes.Iter, closer, findParamsAfter(params, queryRes))",
        1,
    ),
    (
        "internal/handler/msg_getmore.go",
        "h.makeFindIter(queryRes.Iter, closer, data.findParams)",
        "h.makeFindIter(queryRes.Iter, closer, findParamsAfter(data.findParams, queryRes))",
        2,
    ),
    (
        "internal/handler/msg_count.go",
        """		qp.Filter = params.Filter
	}

	queryRes, err := c.Query(connCtx, &qp)
	if err != nil {
		return nil, lazyerrors.Error(err)
	}
""",
        """		qp.Filter = params.Filter
		qp.Exact = true // patched: COUNT(*) in SQLite when it applies the whole filter
		qp.CountOnly = params.Skip == 0 && params.Limit == 0
	}

	queryRes, err := c.Query(connCtx, &qp)
	if err != nil {
		return nil, lazyerrors.Error(err)
	}

	if queryRes.Exact && qp.CountOnly {
		queryRes.Iter.Close()

		return documentOpMsg(must.NotFail(types.NewDocument("n", int32(queryRes.Count), "ok", float64(1))))
	}
""",
        1,
    ),
    (
        "internal/handler/msg_aggregate.go",
        "\t\titer, err = processStagesDocuments(ctx, closer, &stagesDocumentsParams{c, qp, stagesDocuments})\n",
        """		if !h.DisablePushdown && isCountPipeline(aggregationStages) { // patched: see pushdown.go
			askExact(qp, filter, nil, 0, 0)
			qp.CountOnly = qp.Exact
		}

		if iter, err = countPushdown(ctx, c, qp); iter == nil && err == nil {
			iter, err = processStagesDocuments(ctx, closer, &stagesDocumentsParams{c, qp, stagesDocuments})
		}
""",
        1,
    ),
    (
        "internal/handler/msg_explain.go",
        "\tres, err := coll.Explain(connCtx, qp)\n",
        """	if !h.DisablePushdown && qp.Filter.Len() == params.Filter.Len() && qp.Sort.Len() == 0 { // patched
		qp.Exact, qp.ExactSort, qp.ExactSkip, qp.ExactLimit = true, params.Sort, params.Skip, params.Limit
	}

	res, err := coll.Explain(connCtx, qp)
""",
        1,
    ),
)

# New files, copied into the source tree (tools/ferretdb/patches/<path>).
ADDED = (
    "internal/backends/sqlite/pushdown.go",
    "internal/backends/sqlite/metadata/pushdown.go",
    "internal/handler/pushdown.go",
)


def main(src: str, dst: str) -> int:
    src_dir, dst_dir = Path(src), Path(dst)
    if dst_dir.exists():
        shutil.rmtree(dst_dir)
    shutil.copytree(src_dir, dst_dir)
    for path in dst_dir.rglob("*"):  # the module cache is read-only
        path.chmod(path.stat().st_mode | stat.S_IWUSR)
    for name, old, new, count in PATCHES:
        target = dst_dir / name
        text = target.read_text()
        if text.count(old) != count:
            print(f"patch_ferretdb: {old!r} not found {count}× in {target}", file=sys.stderr)
            return 1
        target.write_text(text.replace(old, new))
    here = Path(__file__).parent / "patches"
    for name in ADDED:
        shutil.copyfile(here / name, dst_dir / name)
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:3]))
