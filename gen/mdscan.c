/* mdscan.c - a look at a page's Markdown before cmark-gfm parses it. See mdscan.h. */
#include "mdscan.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"

typedef struct {
	const char *s;  /* the line, without its line end */
	size_t n;
	size_t start;   /* its offset in the text */
	int no;         /* 1-based */
} line_t;

/* The next line of `text` from `*pos` (line ends as cmark sees them: \n, \r\n, \r). */
static int next_line(const char *text, size_t len, size_t *pos, line_t *l)
{
	if (*pos >= len)
		return 0;
	size_t b = *pos, e = b;
	while (e < len && text[e] != '\n' && text[e] != '\r')
		e++;
	l->s = text + b;
	l->n = e - b;
	l->start = b;
	l->no++;
	if (e < len && text[e] == '\r' && e + 1 < len && text[e + 1] == '\n')
		e++;
	*pos = e < len ? e + 1 : e;
	return 1;
}

/* Columns of white space from `*i` (tabs to multiples of 4); moves *i past it. */
static int skip_ws(const line_t *l, size_t *i)
{
	int col = 0;
	for (; *i < l->n && (l->s[*i] == ' ' || l->s[*i] == '\t'); (*i)++)
		col = l->s[*i] == '\t' ? col + 4 - col % 4 : col + 1;
	return col;
}

/* Length of a list marker ("-", "+", "*", "1." or "1)") followed by white space at `i`, or 0. */
static size_t list_marker(const line_t *l, size_t i)
{
	size_t j = i;
	if (j < l->n && (l->s[j] == '-' || l->s[j] == '+' || l->s[j] == '*')) {
		j++;
	} else {
		while (j < l->n && j - i < 9 && isdigit((unsigned char)l->s[j]))
			j++;
		if (j == i || j >= l->n || (l->s[j] != '.' && l->s[j] != ')'))
			return 0;
		j++;
	}
	return j < l->n && (l->s[j] == ' ' || l->s[j] == '\t') ? j - i : 0;
}

/* Where a line's content starts past its block-quote and list markers, and
 * the white space before it (columns): more than 3 outside a list is code. */
typedef struct {
	size_t at;
	int ws;
	int marker; /* a list marker was on this line */
} content_t;

static content_t content_of(const line_t *l)
{
	content_t c = {0, 0, 0};
	size_t i = 0;
	for (;;) {
		size_t j = i;
		int ws = skip_ws(l, &j);
		if (ws <= 3 && j < l->n && l->s[j] == '>') {
			i = j + 1;
			if (i < l->n && l->s[i] == ' ')
				i++;
			continue;
		}
		size_t m = ws <= 3 || c.marker ? list_marker(l, j) : 0;
		if (m) {
			c.marker = 1;
			i = j + m;
			continue;
		}
		c.ws = ws;
		c.at = j;
		return c;
	}
}

static int is_blank(const line_t *l, const content_t *c)
{
	return c->at >= l->n;
}

/* The number of cells of a delimiter row (`|:--|--:|`) at `i`, or 0 when it is not one. */
static size_t delimiter_cells(const line_t *l, size_t i)
{
	size_t cells = 0, pipes = 0;
	if (i < l->n && l->s[i] == '|') {
		i++;
		pipes++;
	}
	for (;;) {
		while (i < l->n && (l->s[i] == ' ' || l->s[i] == '\t'))
			i++;
		if (i >= l->n)
			break;
		if (l->s[i] == ':')
			i++;
		size_t d = i;
		while (i < l->n && l->s[i] == '-')
			i++;
		if (i == d)
			return 0;
		if (i < l->n && l->s[i] == ':')
			i++;
		while (i < l->n && (l->s[i] == ' ' || l->s[i] == '\t'))
			i++;
		cells++;
		if (i >= l->n)
			break;
		if (l->s[i] != '|')
			return 0;
		i++;
		pipes++;
	}
	return pipes ? cells : 0;
}

/* The number of cells of a header row at `i`: cells between unescaped pipes,
 * a leading and a trailing pipe being optional. */
static size_t header_cells(const line_t *l, size_t i)
{
	size_t e = l->n;
	while (e > i && (l->s[e - 1] == ' ' || l->s[e - 1] == '\t'))
		e--;
	if (e <= i)
		return 0;
	size_t pipes = 0;
	int lead = l->s[i] == '|', trail = 0;
	for (size_t j = i; j < e; j++) {
		if (l->s[j] == '\\' && j + 1 < e) {
			j++;
			continue;
		}
		if (l->s[j] == '|') {
			pipes++;
			trail = j == e - 1;
		}
	}
	if (lead && trail && pipes == 1)
		return 1;
	return pipes + 1 - (size_t)lead - (size_t)trail;
}

/* 1-based column in characters of byte `i` of a line. */
static int char_col(const line_t *l, size_t i)
{
	int col = 1;
	for (size_t j = 0; j < i && j < l->n; j++)
		if (((unsigned char)l->s[j] & 0xC0) != 0x80)
			col++;
	return col;
}

/* Character classes for the line scans: most bytes are none of these. */
enum { C_NONE, C_SPACE, C_AT, C_CLOSE, C_TRAIL, C_MARK, C_BRACKET, C_ESC };
static const unsigned char cls[256] = {
	[' '] = C_SPACE, ['\t'] = C_SPACE, ['\n'] = C_SPACE, ['\r'] = C_SPACE, ['\v'] = C_SPACE, ['\f'] = C_SPACE,
	['@'] = C_AT, [')'] = C_CLOSE,
	/* what autolinks drop from their end, one at a time */
	['?'] = C_TRAIL, ['!'] = C_TRAIL, ['.'] = C_TRAIL, [','] = C_TRAIL, [':'] = C_TRAIL, ['\''] = C_TRAIL,
	['"'] = C_TRAIL, [';'] = C_TRAIL,
	/* emphasis, and dropped from an autolink's end too */
	['*'] = C_MARK, ['_'] = C_MARK, ['~'] = C_MARK,
	[']'] = C_BRACKET, ['\\'] = C_ESC,
};

/* The autolink work of a line (see mdscan.h) and where it is. */
static size_t autolink_work(const line_t *l, size_t *where)
{
	/* most lines have neither (memchr is much faster than the loop below) */
	if (!memchr(l->s, ')', l->n) && !memchr(l->s, '@', l->n))
		return 0;
	size_t at = 0, first_at = 0, work = 0, worst = 0;
	size_t run = 0, parens = 0, trail_from = 0; /* the current run of non-blank characters */
	int in_run = 0;
	for (size_t i = 0; i <= l->n; i++) {
		unsigned c = i < l->n ? cls[(unsigned char)l->s[i]] : C_SPACE;
		if (c == C_NONE || c == C_ESC || c == C_BRACKET) {
			if (!in_run) {
				in_run = 1;
				run = i;
			}
			parens = 0;
			continue;
		}
		if (c == C_SPACE) {
			/* a run ends: each trailing ')' costs a count of the run's parentheses */
			if (in_run && parens > 1) {
				size_t w = parens * (i - run);
				work += w;
				if (w > worst) {
					worst = w;
					*where = trail_from;
				}
			}
			in_run = 0;
			parens = 0;
			continue;
		}
		if (!in_run) {
			in_run = 1;
			run = i;
		}
		if (c == C_AT && at++ == 0)
			first_at = i;
		if (c == C_AT)
			parens = 0;
		if (c == C_CLOSE && parens++ == 0)
			trail_from = i;
	}
	if (at) {
		size_t w = (at < 1000 ? at : 1000) * l->n;
		work += w;
		if (w > worst)
			*where = first_at;
	}
	return work;
}

/* A paragraph's emphasis marks and what its links cost (mdscan.h). */
typedef struct {
	size_t marks, work;
	int line;          /* its first line, 0 when none is open */
	size_t worst;      /* the page's costliest paragraph so far */
} para_t;

/* Add a line of a paragraph (its content from `at`). */
static void para_line(para_t *p, const line_t *l, size_t at, mds_result_t *r)
{
	if (!p->line)
		p->line = l->no;
	for (size_t i = at; i < l->n; i++) {
		unsigned c = cls[(unsigned char)l->s[i]];
		if (c == C_ESC) {
			i++;
		} else if (c == C_MARK) {
			char m = l->s[i];
			size_t b = i;
			while (i + 1 < l->n && l->s[i + 1] == m)
				i++;
			/* an '_' inside a word (snake_case) is no mark: cmark does not stack it */
			if (!(m == '_' && b > at && isalnum((unsigned char)l->s[b - 1]) && i + 1 < l->n &&
			      isalnum((unsigned char)l->s[i + 1])))
				p->marks++;
		} else if (c == C_BRACKET) {
			p->work += p->marks;
			r->inline_work += p->marks;
		}
	}
}

/* Close the paragraph. */
static void para_end(para_t *p, mds_result_t *r)
{
	if (p->line && p->work > p->worst) {
		p->worst = p->work;
		r->slow_line = p->line;
	}
	p->marks = p->work = 0;
	p->line = 0;
}

static void add_table(mds_result_t *r, const mds_table_t *t)
{
	r->tables = xrealloc(r->tables, (r->ntables + 1) * sizeof *r->tables);
	r->tables[r->ntables++] = *t;
}

void mds_scan(mds_result_t *out, const char *text, size_t len)
{
	memset(out, 0, sizeof *out);
	line_t prev = {0}, l = {0};
	content_t pc = {0};
	int prev_ok = 0;        /* `prev` is a line a table may start on */
	char fence = 0;         /* inside a fenced code block opened with this character ... */
	size_t fence_len = 0;   /* ... repeated this many times */
	int list = 0;           /* a list item is open (its lines may be indented 4 or more) */
	int html = 0;           /* the current block is an HTML block */
	size_t worst = 0;
	size_t pos = 0;
	para_t para = {0, 0, 0, 0};
	while (next_line(text, len, &pos, &l)) {
		size_t where = 0;
		size_t w = autolink_work(&l, &where);
		out->autolink_work += w;
		if (w > worst) {
			worst = w;
			out->al_line = l.no;
			out->al_col = char_col(&l, where);
		}
		content_t c = content_of(&l);
		const char *s = l.s + c.at;
		size_t rest = l.n - c.at;
		if (fence) { /* only its closing fence matters */
			para_end(&para, out);
			size_t k = 0;
			while (k < rest && s[k] == fence)
				k++;
			if (k >= fence_len) {
				size_t j = c.at + k;
				skip_ws(&l, &j);
				if (j >= l.n)
					fence = 0;
			}
			prev_ok = 0;
			continue;
		}
		if (is_blank(&l, &c)) {
			html = 0;
			prev_ok = 0;
			para_end(&para, out);
			continue;
		}
		if (c.marker)
			list = 1;
		else if (c.ws == 0 && !prev_ok)
			list = 0; /* a block at the left margin ends the list */
		if (!prev_ok && s[0] == '<')
			html = 1;
		if (rest >= 3 && (s[0] == '`' || s[0] == '~') && s[1] == s[0] && s[2] == s[0]) {
			para_end(&para, out);
			fence = s[0];
			fence_len = 0;
			while (fence_len < rest && s[fence_len] == fence)
				fence_len++;
			prev_ok = 0;
			continue;
		}
		int code = c.ws >= 4 && !list;
		size_t cols = prev_ok && !code && !html ? delimiter_cells(&l, c.at) : 0;
		if (cols > 1 && header_cells(&prev, pc.at) == cols) {
			para_end(&para, out); /* the header line was counted as a paragraph line: it is a row */
			mds_table_t t = {l.start + c.at, prev.no, char_col(&prev, pc.at), cols, 1};
			/* the rows: every line up to a blank one */
			size_t p2 = pos;
			line_t r = l;
			while (next_line(text, len, &p2, &r)) {
				content_t rc = content_of(&r);
				const char *rs = r.s + rc.at;
				if (is_blank(&r, &rc) || (r.n - rc.at >= 3 && (rs[0] == '`' || rs[0] == '~') &&
							 rs[1] == rs[0] && rs[2] == rs[0]))
					break; /* a fence ends the table and opens code */
				t.rows++;
			}
			if (cols > MDS_MAX_COLUMNS || cols * t.rows > MDS_MAX_CELLS)
				add_table(out, &t);
			/* the rows are not tables of their own; their autolink work still counts */
			while (pos < p2 && next_line(text, len, &pos, &l)) {
				/* each row's cells are parsed on their own: a row is its own paragraph */
				para_line(&para, &l, 0, out);
				para_end(&para, out);
				w = autolink_work(&l, &where);
				out->autolink_work += w;
				if (w > worst) {
					worst = w;
					out->al_line = l.no;
					out->al_col = char_col(&l, where);
				}
			}
			prev_ok = 0;
			continue;
		}
		if (!code && !html)
			para_line(&para, &l, c.at, out);
		prev = l;
		pc = c;
		prev_ok = !code && !html;
	}
	para_end(&para, out);
	out->autolink_limit = MDS_MAX_AUTOLINK_WORK + MDS_AUTOLINK_WORK_PER_BYTE * len;
	out->inline_limit = MDS_MAX_INLINE_WORK + MDS_INLINE_WORK_PER_BYTE * len;
	out->no_autolink = out->autolink_work > out->autolink_limit;
	out->too_slow = out->inline_work > out->inline_limit;
}

char *mds_rewrite(const mds_result_t *r, const char *text, size_t len, size_t *out_len)
{
	if (!r->ntables)
		return NULL;
	buf_t b = BUF_INIT;
	size_t copied = 0;
	for (size_t i = 0; i < r->ntables; i++) {
		buf_put(&b, text + copied, r->tables[i].at - copied);
		buf_putc(&b, '\\');
		copied = r->tables[i].at;
	}
	buf_put(&b, text + copied, len - copied);
	*out_len = b.len;
	return buf_detach(&b);
}

void mds_free(mds_result_t *r)
{
	free(r->tables);
	memset(r, 0, sizeof *r);
}
