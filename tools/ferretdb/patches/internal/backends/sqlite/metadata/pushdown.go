// Added by weibaozhan (tools/ferretdb/patch_ferretdb.py): the expression an index named
// "pushdown_…" is built on, the same text the query builder compares, so SQLite uses it.

package metadata

import (
	"fmt"
	"regexp"
	"strings"
)

// PushdownPrefix starts the name of an index whose fields the client promises hold one
// scalar value (string, date, number or boolean, never an array or a document) in every
// document. Equality, ranges, $in, sorts, skips and limits on those fields run in SQLite.
const PushdownPrefix = "pushdown_"

var pushdownField = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// PushdownFields returns the fields of the collection's "pushdown_" indexes.
func PushdownFields(c *Collection) map[string]bool {
	res := map[string]bool{}

	for _, index := range c.Settings.Indexes {
		if !strings.HasPrefix(index.Name, PushdownPrefix) {
			continue
		}

		for _, key := range index.Key {
			if pushdownField.MatchString(key.Field) {
				res[key.Field] = true
			}
		}
	}

	return res
}

// FieldExpression is the SQL value of a top-level field: TEXT for a string, INTEGER
// milliseconds for a date, a number for a number, 1/0 for a boolean, NULL when absent.
func FieldExpression(field string) string {
	if !pushdownField.MatchString(field) {
		panic(fmt.Sprintf("pushdown field %q", field))
	}

	return fmt.Sprintf(`%s->>'$.%s'`, DefaultColumn, field)
}

// indexColumn is the indexed expression of one key of an index.
func indexColumn(indexName, field string, quoted []string) string {
	if strings.HasPrefix(indexName, PushdownPrefix) && pushdownField.MatchString(field) {
		return FieldExpression(field)
	}

	return fmt.Sprintf("%s->%s", DefaultColumn, strings.Join(quoted, "->"))
}

// DeclarationPrefix starts the name of a "pushdown_" index that only declares its fields
// scalar (so they can be filtered and sorted in SQLite) without an SQLite index: MongoDB
// keeps it as an ordinary index; SQLite would otherwise be tempted to pick it over the
// index that gives a page's order.
const DeclarationPrefix = PushdownPrefix + "fields"

// indexStatement is the statement that creates an index: none for a declaration.
func indexStatement(indexName, q string) string {
	if strings.HasPrefix(indexName, DeclarationPrefix) {
		return "SELECT 1"
	}

	return q
}
