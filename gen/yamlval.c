/* yamlval.c - YAML to val_t. See yamlval.h. */
#include "yamlval.h"

#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "buf.h"
#include "map.h"

/* Hostile-input bounds besides YAMLVAL_MAX_DEPTH: keys of one mapping (a map
 * insert is a linear duplicate check, so 2 million keys would take hours) and
 * values of one document (memory). */
#define YAMLVAL_MAX_KEYS 10000
#define YAMLVAL_MAX_NODES 1000000

typedef struct {
	yaml_parser_t parser;
	const char *file;
	int line_offset;
	diag_list_t *d;
	int failed;
	size_t nodes;
	unsigned flags; /* YAMLVAL_* */
} yv_ctx_t;

static void yv_error_at(yv_ctx_t *c, const yaml_mark_t *m, const char *msg)
{
	if (c->failed)
		return;
	c->failed = 1;
	diag_add(c->d, DIAG_ERROR, c->file, (int)m->line + 1 + c->line_offset, (int)m->column + 1,
		 "yaml", "%s", msg);
}

static int is_number(const char *s)
{
	const char *p = s;
	if (*p == '-' || *p == '+')
		p++;
	if (!*p)
		return 0;
	int digits = 0, dot = 0;
	for (; *p; p++) {
		if (*p >= '0' && *p <= '9')
			digits++;
		else if (*p == '.' && !dot)
			dot = 1;
		else
			return 0;
	}
	return digits > 0;
}

static val_t *yv_scalar(const yaml_event_t *ev)
{
	const char *s = (const char *)ev->data.scalar.value;
	size_t n = ev->data.scalar.length;
	val_t *v;
	if (ev->data.scalar.style != YAML_PLAIN_SCALAR_STYLE) {
		v = val_strn(s, n);
	} else if (n == 0 || !strcmp(s, "~") || !strcmp(s, "null") || !strcmp(s, "Null") ||
		   !strcmp(s, "NULL")) {
		v = val_null();
	} else if (!strcmp(s, "true") || !strcmp(s, "True") || !strcmp(s, "TRUE")) {
		v = val_bool(1);
	} else if (!strcmp(s, "false") || !strcmp(s, "False") || !strcmp(s, "FALSE")) {
		v = val_bool(0);
	} else if (is_number(s)) {
		v = val_num(strtod(s, NULL));
		v->str = xstrndup(s, n);
	} else {
		v = val_strn(s, n);
	}
	return v;
}

/* YAMLVAL_PYTHON_TAGS: `v`, the value of the node starting with `ev`, wrapped when its tag names a
 * Python object (see yamlval.h). */
static val_t *yv_python_tag(const yaml_event_t *ev, val_t *v)
{
	static const char yaml_ns[] = "tag:yaml.org,2002:";
	const unsigned char *tag = ev->type == YAML_SCALAR_EVENT ? ev->data.scalar.tag
				   : ev->type == YAML_SEQUENCE_START_EVENT ? ev->data.sequence_start.tag
				   : ev->data.mapping_start.tag;
	const char *t = (const char *)tag;
	if (!t || strncmp(t, yaml_ns, sizeof yaml_ns - 1))
		return v;
	t += sizeof yaml_ns - 1;
	if (strncmp(t, "python/name:", 12) && strncmp(t, "python/object", 13))
		return v;
	val_t *w = val_map();
	w->line = v->line;
	w->col = v->col;
	val_map_set(w, YAMLVAL_TAG_KEY, val_str(t));
	val_map_set(w, YAMLVAL_TAGGED_KEY, v);
	return w;
}

/* Parse the node that starts with `ev` (already fetched; ownership of ev stays with caller). */
static val_t *yv_node(yv_ctx_t *c, yaml_event_t *ev, int depth);

static int yv_next(yv_ctx_t *c, yaml_event_t *ev)
{
	if (!yaml_parser_parse(&c->parser, ev)) {
		const char *prob = c->parser.problem ? c->parser.problem : "invalid YAML";
		buf_t m = BUF_INIT;
		buf_printf(&m, "invalid YAML: %s", prob);
		if (c->parser.context)
			buf_printf(&m, " (%s)", c->parser.context);
		yv_error_at(c, &c->parser.problem_mark, buf_cstr(&m));
		buf_free(&m);
		return -1;
	}
	return 0;
}

static val_t *yv_node(yv_ctx_t *c, yaml_event_t *ev, int depth)
{
	val_t *v = NULL;
	map_t seen = MAP_INIT; /* a mapping's keys -> their index: 10,000 keys without 50 million compares */
	if (depth > YAMLVAL_MAX_DEPTH) {
		yv_error_at(c, &ev->start_mark, "YAML nested too deeply");
		return NULL;
	}
	if (++c->nodes > YAMLVAL_MAX_NODES) {
		yv_error_at(c, &ev->start_mark, "YAML document too large (more than 1000000 values)");
		return NULL;
	}
	switch (ev->type) {
	case YAML_ALIAS_EVENT:
		yv_error_at(c, &ev->start_mark, "YAML aliases (*name) are not supported here");
		return NULL;
	case YAML_SCALAR_EVENT:
		v = yv_scalar(ev);
		break;
	case YAML_SEQUENCE_START_EVENT:
		v = val_list();
		for (;;) {
			yaml_event_t e;
			if (yv_next(c, &e))
				goto fail;
			if (e.type == YAML_SEQUENCE_END_EVENT) {
				yaml_event_delete(&e);
				break;
			}
			val_t *item = yv_node(c, &e, depth + 1);
			yaml_event_delete(&e);
			if (!item)
				goto fail;
			val_list_push(v, item);
		}
		break;
	case YAML_MAPPING_START_EVENT:
		v = val_map();
		for (;;) {
			yaml_event_t k;
			if (yv_next(c, &k))
				goto fail;
			if (k.type == YAML_MAPPING_END_EVENT) {
				yaml_event_delete(&k);
				break;
			}
			if (v->len >= YAMLVAL_MAX_KEYS && k.type == YAML_SCALAR_EVENT) {
				yv_error_at(c, &k.start_mark, "YAML mapping with more than 10000 keys");
				yaml_event_delete(&k);
				goto fail;
			}
			if (k.type != YAML_SCALAR_EVENT) {
				yv_error_at(c, &k.start_mark,
					    k.type == YAML_ALIAS_EVENT ? "YAML aliases (*name) are not supported here"
								       : "only plain keys are supported in mappings");
				yaml_event_delete(&k);
				goto fail;
			}
			char *key = xstrndup((const char *)k.data.scalar.value, k.data.scalar.length);
			int kl = (int)k.start_mark.line + 1 + c->line_offset, kc = (int)k.start_mark.column + 1;
			yaml_event_delete(&k);
			yaml_event_t e;
			if (yv_next(c, &e)) {
				free(key);
				goto fail;
			}
			val_t *item = yv_node(c, &e, depth + 1);
			yaml_event_delete(&e);
			if (!item) {
				free(key);
				goto fail;
			}
			void *at;
			if (map_get(&seen, key, &at)) {
				diag_add(c->d, DIAG_WARNING, c->file, kl, kc, "yaml",
					 "duplicate key '%s': the last one wins", key);
				val_pair_t *pr = &v->pairs[MAP_AS_INT(at)];
				val_free(pr->val);
				pr->val = item;
				pr->line = kl; /* the last one, which wins */
				pr->col = kc;
			} else {
				map_put(&seen, key, MAP_INT(v->len));
				val_map_append(v, key, item);
				v->pairs[v->len - 1].line = kl;
				v->pairs[v->len - 1].col = kc;
			}
			free(key);
		}
		break;
	default:
		yv_error_at(c, &ev->start_mark, "unexpected YAML structure");
		return NULL;
	}
	if (!v->line) {
		v->line = (int)ev->start_mark.line + 1 + c->line_offset;
		v->col = (int)ev->start_mark.column + 1;
	}
	map_free(&seen);
	if (c->flags & YAMLVAL_PYTHON_TAGS)
		v = yv_python_tag(ev, v);
	return v;
fail:
	map_free(&seen);
	val_free(v);
	return NULL;
}

int yamlval_parse(val_t **out, const char *text, size_t len, const char *file, int line_offset,
		  diag_list_t *d)
{
	return yamlval_parse_opts(out, text, len, file, line_offset, 0, d);
}

int yamlval_parse_opts(val_t **out, const char *text, size_t len, const char *file, int line_offset,
		       unsigned flags, diag_list_t *d)
{
	yv_ctx_t c = {.file = file, .line_offset = line_offset, .d = d, .flags = flags};
	val_t *result = NULL;
	int rc = -1;
	if (!yaml_parser_initialize(&c.parser))
		return -1;
	yaml_parser_set_input_string(&c.parser, (const unsigned char *)text, len);
	yaml_event_t ev;
	for (;;) {
		if (yv_next(&c, &ev))
			goto out;
		yaml_event_type_t t = ev.type;
		if (t == YAML_STREAM_START_EVENT || t == YAML_DOCUMENT_START_EVENT) {
			yaml_event_delete(&ev);
			continue;
		}
		if (t == YAML_STREAM_END_EVENT || t == YAML_DOCUMENT_END_EVENT) {
			yaml_event_delete(&ev);
			break;
		}
		result = yv_node(&c, &ev, 0);
		yaml_event_delete(&ev);
		if (!result)
			goto out;
		break;
	}
	if (!result)
		result = val_null();
	*out = result;
	result = NULL;
	rc = 0;
out:
	val_free(result);
	yaml_parser_delete(&c.parser);
	return rc;
}
