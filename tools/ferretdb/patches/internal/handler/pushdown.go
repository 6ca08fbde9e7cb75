// Added by weibaozhan (tools/ferretdb/patch_ferretdb.py): the handler's side of the SQLite
// pushdown (internal/backends/sqlite/pushdown.go).

package handler

import (
	"context"

	"github.com/FerretDB/FerretDB/internal/backends"
	"github.com/FerretDB/FerretDB/internal/handler/common"
	"github.com/FerretDB/FerretDB/internal/types"
	"github.com/FerretDB/FerretDB/internal/util/iterator"
	"github.com/FerretDB/FerretDB/internal/util/must"
)

// askExact asks the backend to apply sort, skip and limit too when it can apply the
// whole filter (nothing was removed from it) and the sort exactly.
func askExact(qp *backends.QueryParams, filter, sort *types.Document, skip, limit int64) {
	if qp.Filter.Len() != filter.Len() || qp.Sort.Len() != 0 {
		return
	}

	qp.Exact = true
	qp.ExactSort = sort
	qp.ExactSkip = skip
	qp.ExactLimit = limit
}

// findParamsAfter returns the find parameters left for the handler once the backend ran
// the query: nothing to skip when the backend skipped.
func findParamsAfter(params *common.FindParams, res *backends.QueryResult) *common.FindParams {
	if !res.Exact || params.Skip == 0 {
		return params
	}

	p := *params
	p.Skip = 0

	return &p
}

// isCountPipeline reports whether the stages are pymongo's count_documents:
// [{$match: …}, {$group: {_id: 1, n: {$sum: 1}}}].
func isCountPipeline(stages []any) bool {
	if len(stages) != 2 {
		return false
	}

	match, ok := stages[0].(*types.Document)
	if !ok || match.Command() != "$match" {
		return false
	}

	group, ok := stages[1].(*types.Document)
	if !ok || group.Command() != "$group" || group.Len() != 1 {
		return false
	}

	spec, ok := must.NotFail(group.Get("$group")).(*types.Document)
	if !ok || spec.Len() != 2 {
		return false
	}

	id, _ := spec.Get("_id")
	n, _ := spec.Get("n")

	sum, ok := n.(*types.Document)
	if !ok || sum.Len() != 1 {
		return false
	}

	one, _ := sum.Get("$sum")

	return isOne(id) && isOne(one)
}

func isOne(v any) bool {
	switch v {
	case int32(1), int64(1), float64(1):
		return true
	}

	return false
}

// countIterator returns the one document of a count_documents answer.
func countIterator(n int64) types.DocumentsIterator {
	doc := must.NotFail(types.NewDocument("_id", int32(1), "n", int32(n)))
	return iterator.Values(iterator.ForSlice([]*types.Document{doc}))
}

// countPushdown answers a count_documents pipeline with the backend's COUNT(*); nil when
// the backend could not apply the whole filter (the stages then run as usual).
func countPushdown(ctx context.Context, c backends.Collection, qp *backends.QueryParams) (types.DocumentsIterator, error) {
	if !qp.CountOnly {
		return nil, nil
	}

	res, err := c.Query(ctx, qp)
	if err != nil {
		return nil, err
	}

	if !res.Exact {
		res.Iter.Close()
		qp.CountOnly = false

		return nil, nil
	}

	res.Iter.Close()

	return countIterator(res.Count), nil
}
