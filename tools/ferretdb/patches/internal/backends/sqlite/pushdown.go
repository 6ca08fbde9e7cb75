// Added by weibaozhan (tools/ferretdb/patch_ferretdb.py): the filter, sort, skip and
// limit of a query run in SQLite when every key names `_id` or a field of a
// "pushdown_" index (metadata.PushdownFields), so a page reads what it shows.
//
// The handler still filters what SQLite returns with the whole filter. When SQLite
// applied the whole filter and sort exactly (QueryResult.Exact), it also applies skip and
// limit, and a count is answered by COUNT(*).

package sqlite

import (
	"fmt"
	"strings"
	"time"

	"github.com/FerretDB/FerretDB/internal/backends"
	"github.com/FerretDB/FerretDB/internal/backends/sqlite/metadata"
	"github.com/FerretDB/FerretDB/internal/handler/sjson"
	"github.com/FerretDB/FerretDB/internal/types"
	"github.com/FerretDB/FerretDB/internal/util/must"
)

// pushdownQuery returns the SQL of a query, its arguments, and whether it applies the
// filter and sort exactly (then it also applies skip and limit, or counts).
func pushdownQuery(meta *metadata.Collection, params *backends.QueryParams) (string, []any, bool) {
	fields := metadata.PushdownFields(meta)

	conds, args, exact := pushdownFilter(params.Filter, fields)
	exact = exact && params.Exact

	var order string

	switch {
	case params.Sort.Len() != 0:
		order = prepareOrderByClause(params.Sort)
		exact = exact && params.ExactSort.Len() == 0
	case params.ExactSort.Len() != 0:
		var ok bool
		if order, ok = pushdownSort(params.ExactSort, fields); !ok {
			order = ""
			exact = false
		}
	}

	var where string
	if len(conds) > 0 {
		where = ` WHERE ` + strings.Join(conds, ` AND `)
	}

	if params.CountOnly && exact {
		return fmt.Sprintf(`SELECT COUNT(*) FROM %q`, meta.TableName) + where, args, true
	}

	q := prepareSelectClause(meta.TableName, params.Comment, meta.Capped(), params.OnlyRecordIDs) + where + order

	switch {
	case exact && (params.ExactLimit > 0 || params.ExactSkip > 0):
		limit := params.ExactLimit
		if limit <= 0 {
			limit = -1
		}

		q += ` LIMIT ? OFFSET ?`
		args = append(args, limit, params.ExactSkip)
	case params.Limit != 0:
		q += ` LIMIT ?`
		args = append(args, params.Limit)
	}

	return q, args, exact
}

// pushdownFilter returns the conditions SQLite can apply and whether they are the whole filter.
func pushdownFilter(filter *types.Document, fields map[string]bool) ([]string, []any, bool) {
	var conds []string
	var args []any

	exact := true

	if filter == nil {
		return nil, nil, true
	}

	for _, k := range filter.Keys() {
		v := must.NotFail(filter.Get(k))

		switch {
		case k == "$comment":
		case k == "_id":
			c, a, ok := idCondition(v)
			if !ok {
				exact = false
				continue
			}

			conds = append(conds, c)
			args = append(args, a...)
		case fields[k]:
			c, a, ok := fieldCondition(metadata.FieldExpression(k), v)
			if !ok {
				exact = false
				continue
			}

			conds = append(conds, c...)
			args = append(args, a...)
		default:
			exact = false
		}
	}

	return conds, args, exact
}

// fieldCondition translates `{field: value}` or `{field: {$op: value, …}}` on a scalar field.
func fieldCondition(expr string, v any) ([]string, []any, bool) {
	if _, ok := v.(types.NullType); ok { // null or absent: both are NULL in SQL
		return []string{expr + ` IS NULL`}, nil, true
	}

	if arg, ok := sqlValue(v); ok {
		return []string{expr + ` = ?`}, []any{arg}, true
	}

	doc, ok := v.(*types.Document)
	if !ok || doc.Len() == 0 {
		return nil, nil, false
	}

	var conds []string
	var args []any

	for _, op := range doc.Keys() {
		operand := must.NotFail(doc.Get(op))

		if op == "$in" {
			arr, ok := operand.(*types.Array)
			if !ok || arr.Len() == 0 {
				return nil, nil, false
			}

			marks := make([]string, arr.Len())

			for i := 0; i < arr.Len(); i++ {
				arg, ok := sqlValue(must.NotFail(arr.Get(i)))
				if !ok {
					return nil, nil, false
				}

				marks[i] = "?"
				args = append(args, arg)
			}

			conds = append(conds, expr+` IN (`+strings.Join(marks, ", ")+`)`)

			continue
		}

		sqlOp, known := map[string]string{"$eq": "=", "$gt": ">", "$gte": ">=", "$lt": "<", "$lte": "<="}[op]
		if !known {
			return nil, nil, false
		}

		arg, ok := sqlValue(operand)
		if !ok {
			return nil, nil, false
		}

		conds = append(conds, expr+` `+sqlOp+` ?`)
		args = append(args, arg)
	}

	return conds, args, true
}

// sqlValue is a filter value as `->>` gives it from a stored document.
func sqlValue(v any) (any, bool) {
	switch v := v.(type) {
	case string:
		return v, true
	case time.Time:
		return v.UnixMilli(), true
	case bool:
		if v {
			return int64(1), true
		}

		return int64(0), true
	case int32:
		return int64(v), true
	case int64:
		return v, true
	default:
		return nil, false
	}
}

// pushdownSort returns the ORDER BY clause when every sort key is a pushdown field.
func pushdownSort(sort *types.Document, fields map[string]bool) (string, bool) {
	parts := make([]string, 0, sort.Len())

	for _, k := range sort.Keys() {
		if !fields[k] {
			return "", false
		}

		dir := ""

		switch must.NotFail(sort.Get(k)) {
		case int64(-1), int32(-1), float64(-1):
			dir = " DESC"
		case int64(1), int32(1), float64(1):
		default:
			return "", false
		}

		parts = append(parts, metadata.FieldExpression(k)+dir)
	}

	return ` ORDER BY ` + strings.Join(parts, ", "), true
}

// idCondition translates `{_id: x}` or `{_id: {$in: [x, …]}}` for a string or ObjectID
// `_id` (never an array, by MongoDB's rule) to a search of the `_id` index.
func idCondition(v any) (string, []any, bool) {
	switch v := v.(type) {
	case string, types.ObjectID:
		return fmt.Sprintf(`%s = ?`, metadata.IDColumn), []any{string(must.NotFail(sjson.MarshalSingleValue(v)))}, true
	case *types.Document:
		if v.Len() != 1 {
			return "", nil, false
		}

		arr, ok := must.NotFail(v.Get(v.Keys()[0])).(*types.Array)
		if v.Keys()[0] != "$in" || !ok || arr.Len() == 0 || arr.Len() > 10000 {
			return "", nil, false
		}

		marks := make([]string, arr.Len())
		args := make([]any, arr.Len())

		for i := 0; i < arr.Len(); i++ {
			switch id := must.NotFail(arr.Get(i)).(type) {
			case string, types.ObjectID:
				marks[i] = "?"
				args[i] = string(must.NotFail(sjson.MarshalSingleValue(id)))
			default:
				return "", nil, false
			}
		}

		return fmt.Sprintf(`%s IN (%s)`, metadata.IDColumn, strings.Join(marks, ", ")), args, true
	}

	return "", nil, false
}
