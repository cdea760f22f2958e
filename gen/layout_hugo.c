/* layout_hugo.c - Hugo repositories: config, URL segments, shortcodes. See layout.h, layout_tools.h, layout_hugo.h. */
#include "layout_hugo.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "buf.h"
#include "fsutil.h"
#include "layout_tools.h"
#include "pathres.h"
#include "shortcodes.h"
#include "utf8.h"

static const char *const hugo_dirs[] = {"", "config/_default/"};
static const char *const hugo_names[] = {"hugo.toml", "hugo.yaml", "hugo.yml", "hugo.json",
					 "config.toml", "config.yaml", "config.yml", "config.json"};

int layout_hugo_is_config(const char *rel)
{
	for (size_t d = 0; d < 2; d++) {
		size_t dl = strlen(hugo_dirs[d]);
		if (strncmp(rel, hugo_dirs[d], dl))
			continue;
		for (size_t i = 0; i < sizeof hugo_names / sizeof *hugo_names; i++)
			if (!strcmp(rel + dl, hugo_names[i]))
				return 1;
	}
	return 0;
}

char *layout_hugo_find_config(const pr_root_t *tree, diag_list_t *d)
{
	for (size_t k = 0; k < 2; k++)
		for (size_t i = 0; i < sizeof hugo_names / sizeof *hugo_names; i++) {
			char *rel = xasprintf("%s%s", hugo_dirs[k], hugo_names[i]);
			if (layout_exists(tree, rel, 0, d))
				return rel;
			free(rel);
		}
	return NULL;
}

/* Top folders looked into for a Hugo site (a repository's first entries, by name), at most. */
#define HUGO_SUB_MAX 1000

/* The first config under folder `dir` ("website/"), by Hugo's names and places; owned, or NULL. */
static char *find_config_in(const pr_root_t *tree, const char *dir)
{
	for (size_t k = 0; k < 2; k++)
		for (size_t i = 0; i < sizeof hugo_names / sizeof *hugo_names; i++) {
			char *rel = xasprintf("%s%s%s", dir, hugo_dirs[k], hugo_names[i]);
			if (layout_exists(tree, rel, 0, NULL))
				return rel;
			free(rel);
		}
	return NULL;
}

/* 1 when a default content folder at the repository's root (content/, runbooks/: what a plain layout
 * publishes) lies outside `root`, the content folder of a Hugo site in a sub-folder: reading the repository
 * as that site would drop its pages (runbooks/ beside a product site in website/). */
static int leaves_out_default_folder(const pr_root_t *tree, const char *root)
{
	static const char *const defaults[] = {"content", "runbooks"};
	size_t rl = strlen(root);
	for (size_t i = 0; i < sizeof defaults / sizeof *defaults; i++) {
		const char *f = defaults[i];
		int inside = !strcmp(f, root) || (!strncmp(f, root, rl) && f[rl] == '/');
		if (!inside && layout_exists(tree, f, 1, NULL))
			return 1;
	}
	return 0;
}

char *layout_hugo_find_sub_config(const pr_root_t *tree)
{
	pr_entry_t *ents = NULL;
	size_t n = 0;
	if (pr_list(tree, "", 1, &ents, &n))
		return NULL;
	char *found = NULL;
	for (size_t i = 0; i < n && i < HUGO_SUB_MAX && !found; i++) {
		if (!S_ISDIR(ents[i].st.st_mode) || !strcmp(ents[i].name, "node_modules"))
			continue; /* a link is not followed (lstat), nor is a dependency folder read */
		char *dir = xasprintf("%s/", ents[i].name);
		char *cfg = find_config_in(tree, dir);
		free(dir);
		if (!cfg)
			continue;
		/* a site: its content folder exists (a config.yaml beside deployment files is not one) */
		layout_t probe;
		memset(&probe, 0, sizeof probe);
		probe.root = xstrdup("");
		diag_list_t quiet;
		diag_init(&quiet);
		layout_hugo_read(&probe, tree, cfg, &quiet);
		if (probe.root[0] && layout_exists(tree, probe.root, 1, NULL) && !leaves_out_default_folder(tree, probe.root))
			found = cfg;
		else
			free(cfg);
		diag_free(&quiet);
		layout_free(&probe);
	}
	pr_list_free(ents, n);
	return found;
}

/* The folder Hugo runs in for config `cfg` ("" at the root, "website/" for website/hugo.toml or
 * website/config/_default/hugo.toml): contentDir and the static folders are relative to it. Owned. */
static char *site_dir_of(const char *cfg)
{
	char *dir = fsu_dirname(cfg);
	size_t dl = strlen(dir), cl = strlen("config/_default");
	if (dl >= cl && !strcmp(dir + dl - cl, "config/_default") && (dl == cl || dir[dl - cl - 1] == '/'))
		dir[dl - cl] = '\0';
	else if (dl) {
		char *d = xasprintf("%s/", dir);
		free(dir);
		dir = d;
	}
	return dir;
}

/* `rel` (a config value: a folder relative to where Hugo runs) from the repository's root; NULL when it
 * is absolute or climbs out of the repository. Owned. */
static char *from_site_dir(const char *site_dir, const char *rel)
{
	if (!rel || !rel[0] || rel[0] == '/')
		return NULL;
	char *j = xasprintf("%s%s", site_dir, rel);
	char *n = fsu_normalize(j);
	free(j);
	if (n && (!n[0] || n[0] == '/' || !strcmp(n, "..") || !strncmp(n, "../", 3))) {
		free(n);
		n = NULL;
	}
	return n;
}

static int truthy(const val_t *v)
{
	return v && ((v->type == VAL_BOOL && v->b) || (v->type == VAL_STR && !strcasecmp(v->str, "true")));
}

/* Add the static folder `dir` (a config value at `pos`) published at `target` ("" or "js/"); one that
 * is not a folder inside the repository is a warning. */
static void add_static(layout_t *l, const char *site_dir, const char *dir, const char *target, const val_t *pos,
		       diag_list_t *d)
{
	char *n = site_dir[0] ? from_site_dir(site_dir, dir) : dir && dir[0] != '/' ? fsu_normalize(dir) : NULL;
	size_t len = n ? strlen(n) : 0;
	if (len && n[len - 1] == '/')
		n[--len] = '\0';
	if (!len || !strcmp(n, ".git") || !strncmp(n, ".git/", 5)) {
		diag_add(d, DIAG_WARNING, l->config, pos ? pos->line : 0, pos ? pos->col : 0, "layout",
			 "static folder '%s' is not a folder inside the repository; its files are not published",
			 dir ? dir : "");
		free(n);
		return;
	}
	for (size_t i = 0; i < l->nstatic; i++)
		if (!strcmp(l->statics[i].dir, n) && !strcmp(l->statics[i].target, target)) {
			free(n);
			return;
		}
	l->statics = xrealloc(l->statics, (l->nstatic + 1) * sizeof *l->statics);
	l->statics[l->nstatic].dir = n;
	l->statics[l->nstatic].target = xstrdup(target);
	l->nstatic++;
}

/* Hugo's static folders: the [module] mounts whose target is static (or a folder under it), else
 * staticDir (a name or a list), else static/. As in Hugo, a mount of static replaces staticDir. */
static void read_statics(layout_t *l, const char *site_dir, const val_t *c, diag_list_t *d)
{
	const val_t *mounts = layout_get_ci(layout_get_ci(c, "module"), "mounts");
	int mounted = 0;
	for (size_t i = 0; mounts && mounts->type == VAL_LIST && i < mounts->len && i < 1000; i++) {
		const val_t *m = mounts->items[i];
		const char *src = val_as_str(layout_get_ci(m, "source")), *tgt = val_as_str(layout_get_ci(m, "target"));
		char *t = tgt ? fsu_normalize(tgt) : NULL;
		if (t && (!strcmp(t, "static") || !strcmp(t, "static/") || !strncmp(t, "static/", 7))) {
			mounted = 1;
			const char *rest = t[6] ? t + 7 : "";
			size_t rl = strlen(rest);
			char *target = rl ? xasprintf("%s%s", rest, rest[rl - 1] == '/' ? "" : "/") : xstrdup("");
			add_static(l, site_dir, src, target, m, d);
			free(target);
		}
		free(t);
	}
	if (mounted)
		return;
	const val_t *sd = layout_get_ci(c, "staticDir");
	if (sd && sd->type == VAL_LIST) {
		for (size_t i = 0; i < sd->len && i < 1000; i++)
			add_static(l, site_dir, val_as_str(sd->items[i]), "", sd->items[i], d);
	} else if (sd && val_as_str(sd)) {
		add_static(l, site_dir, val_as_str(sd), "", sd, d);
	} else {
		add_static(l, site_dir, "static", "", NULL, d);
	}
}

void layout_hugo_read(layout_t *l, const pr_root_t *tree, const char *cfg, diag_list_t *d)
{
	/* a site in a folder of the repository (website/hugo.toml): its folders are relative to that one */
	char *site_dir = cfg ? site_dir_of(cfg) : xstrdup("");
	free(l->root);
	l->root = xasprintf("%scontent", site_dir);
	l->lower = 1;
	if (!cfg) {
		add_static(l, site_dir, "static", "", NULL, d);
		free(site_dir);
		return;
	}
	val_t *c = layout_load_config(l, tree, cfg, "Hugo config", d); /* NULL: reported, the defaults apply */
	if (c) {
		const char *cd = val_as_str(layout_get_ci(c, "contentDir"));
		char *root = site_dir[0] ? from_site_dir(site_dir, cd) : NULL;
		layout_set_root(l, root ? root : site_dir[0] ? NULL : cd);
		free(root);
		layout_set_title(l, layout_get_ci(c, "title"));
		l->lower = !truthy(layout_get_ci(c, "disablePathToLower"));
		l->base_url = layout_site_url(val_as_str(layout_get_ci(c, "baseURL")));
		read_statics(l, site_dir, c, d);
		l->ugly = truthy(layout_get_ci(c, "uglyURLs"));
		const val_t *params = layout_get_ci(c, "params");
		if (params && params->type == VAL_MAP)
			l->params = val_copy(params);
		const val_t *perma = layout_get_ci(c, "permalinks");
		if (perma && perma->type == VAL_MAP && perma->len)
			diag_add(d, DIAG_WARNING, cfg, perma->line, perma->col, "layout",
				 "Hugo's permalinks patterns are not followed: pages of those sections keep their path "
				 "URLs (add aliases: for the old addresses)");
	}
	if (!l->nstatic) /* an unreadable config: Hugo's default */
		add_static(l, site_dir, "static", "", NULL, d);
	val_free(c);
	free(site_dir);
}

/* ---- URL segments: Hugo's MakePath ---- */

/* Not a letter, digit or mark: punctuation and symbol blocks outside ASCII (an approximation of
 * Go's unicode.IsLetter/IsDigit/IsMark that covers the characters file names carry). */
static int non_ascii_symbol(unsigned long cp)
{
	return (cp >= 0xA0 && cp <= 0xBF) || cp == 0xD7 || cp == 0xF7 || (cp >= 0x2000 && cp <= 0x2BFF) ||
	       (cp >= 0x3000 && cp <= 0x303F) || (cp >= 0xFE30 && cp <= 0xFE4F) || (cp >= 0xFF00 && cp <= 0xFF0F) ||
	       cp >= 0x1F000 || cp == 0xFFFD;
}

static int is_space_cp(unsigned long cp)
{
	return cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r' || cp == '\v' || cp == '\f' || cp == 0x85 ||
	       cp == 0xA0 || cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200A) || cp == 0x2028 || cp == 0x2029 ||
	       cp == 0x202F || cp == 0x205F || cp == 0x3000;
}

/* strings.ToLower for the scripts file names use (Latin, Greek, Cyrillic). */
static unsigned long lower_cp(unsigned long cp)
{
	if (cp >= 'A' && cp <= 'Z')
		return cp + 32;
	if (cp >= 0xC0 && cp <= 0xDE && cp != 0xD7)
		return cp + 32;
	if (cp >= 0x100 && cp <= 0x17F && cp != 0x130 && cp != 0x131 && cp != 0x138 && cp != 0x149 && cp != 0x178 &&
	    cp != 0x17F) {
		/* Latin Extended-A pairs: even upper/odd lower, except 0x139-0x148 and 0x179-0x17E (odd upper) */
		int odd_upper = (cp >= 0x139 && cp <= 0x148) || (cp >= 0x179 && cp <= 0x17E);
		if (odd_upper ? (cp & 1) : !(cp & 1))
			return cp + 1;
		return cp;
	}
	if (cp == 0x178)
		return 0xFF;
	if ((cp >= 0x391 && cp <= 0x3A9 && cp != 0x3A2) || (cp >= 0x410 && cp <= 0x42F))
		return cp + 32;
	if (cp >= 0x400 && cp <= 0x40F)
		return cp + 80;
	return cp;
}

char *layout_hugo_sanitize(const char *s, int lower)
{
	buf_t b = BUF_INIT;
	const unsigned char *u = (const unsigned char *)s;
	size_t n = strlen(s);
	int prepend = 0, was_hyphen = 0; /* Hugo's prependHyphen and wasHyphen */
	for (size_t i = 0; i < n;) {
		size_t len;
		unsigned long cp = utf8_decode(s + i, n - i, &len);
		int allowed = cp < 0x80 ? ((cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') || (cp >= '0' && cp <= '9') ||
					   (cp && strchr("./\\_#+~-@", (int)cp)))
				       : !non_ascii_symbol(cp);
		if (cp == '%' && i + 2 < n && fsu_hexval(u[i + 1]) >= 0 && fsu_hexval(u[i + 2]) >= 0)
			allowed = 1;
		if (allowed) {
			was_hyphen = cp == '-';
			if (prepend && !was_hyphen)
				buf_putc(&b, '-');
			prepend = 0;
			utf8_put(&b, lower ? lower_cp(cp) : cp);
		} else if (b.len && !was_hyphen && is_space_cp(cp)) {
			prepend = 1;
		}
		i += len;
	}
	if (!b.s)
		return xstrdup("");
	return buf_detach(&b);
}

/* ---- shortcodes ---- */

static int is_name_char(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-' ||
	       c == '/' || c == '.';
}

/* The first argument of a shortcode's text (after its name): a quoted string, a backquoted string or a
 * bare word; a named argument path="x" gives its value. NULL when there is none. Caller frees. */
static char *first_arg(const char *s, size_t n)
{
	size_t i = 0;
	while (i < n && (s[i] == ' ' || s[i] == '\t'))
		i++;
	size_t eq = i;
	while (eq < n && is_name_char((unsigned char)s[eq]))
		eq++;
	if (eq < n && s[eq] == '=' && eq > i)
		i = eq + 1;
	if (i >= n)
		return NULL;
	if (s[i] == '"' || s[i] == '`') {
		char q = s[i];
		size_t j = i + 1;
		while (j < n && s[j] != q)
			j++;
		return j < n ? xstrndup(s + i + 1, j - i - 1) : NULL;
	}
	size_t j = i;
	while (j < n && s[j] != ' ' && s[j] != '\t')
		j++;
	return j > i ? xstrndup(s + i, j - i) : NULL;
}

static void add_unknown(layout_shortcode_t **v, size_t *n, const char *name, size_t nlen, int line, int col)
{
	for (size_t i = 0; i < *n; i++)
		if (strlen((*v)[i].name) == nlen && !strncmp((*v)[i].name, name, nlen))
			return; /* once per name and page: the first one */
	*v = xrealloc(*v, (*n + 1) * sizeof **v);
	(*v)[*n].name = xstrndup(name, nlen);
	(*v)[*n].line = line;
	(*v)[*n].col = col;
	(*n)++;
}

const char *layout_hugo_param(const val_t *params, const char *name)
{
	const val_t *v = params;
	char *copy = xstrdup(name), *save = NULL;
	for (char *part = strtok_r(copy, ".", &save); part && v; part = strtok_r(NULL, ".", &save))
		v = layout_get_ci(v, part);
	free(copy);
	if (!v)
		return NULL;
	return v->type == VAL_STR ? v->str : v->type == VAL_NUM ? v->str : NULL;
}

char *layout_hugo_shortcodes(const char *body, size_t len, int line0, const val_t *params, layout_shortcode_t **unknown,
			     size_t *nunknown)
{
	*unknown = NULL;
	*nunknown = 0;
	const char *brace = len >= 6 ? memchr(body, '{', len) : NULL;
	while (brace && (size_t)(brace - body) + 1 < len && brace[1] != '{')
		brace = memchr(brace + 1, '{', len - (size_t)(brace + 1 - body));
	if (!brace || (size_t)(brace - body) + 1 >= len)
		return NULL;
	char *out = NULL;
	int line = line0;
	size_t line_start = 0;
	for (size_t i = 0; i + 5 < len; i++) {
		if (body[i] == '\n') {
			line++;
			line_start = i + 1;
			continue;
		}
		if (body[i] != '{' || body[i + 1] != '{' || (body[i + 2] != '<' && body[i + 2] != '%'))
			continue;
		char delim = body[i + 2] == '<' ? '>' : '%'; /* {{< ... >}} or {{% ... %}} */
		size_t j = i + 3;
		while (j < len && (body[j] == ' ' || body[j] == '\t'))
			j++;
		if (j + 1 < len && body[j] == '/' && body[j + 1] == '*')
			continue; /* Hugo's comment form ({{< then slash-star) writes a shortcode as text */
		/* the end: ">}}" or "%}}" within a bounded distance */
		size_t end = 0;
		for (size_t k = j; k + 2 < len && k < i + 4096; k++)
			if (body[k] == delim && body[k + 1] == '}' && body[k + 2] == '}') {
				end = k + 3;
				break;
			}
		if (!end)
			continue;
		int closing = body[j] == '/';
		size_t ns = j + closing, ne = ns;
		while (ne < end && is_name_char((unsigned char)body[ne]) && body[ne] != '/')
			ne++;
		if (ne == ns)
			continue;
		if (!out) {
			out = xmalloc(len + 1);
			memcpy(out, body, len);
			out[len] = '\0';
		}
		int col = 1;
		for (size_t k = line_start; k < i; k++)
			col += ((unsigned char)body[k] & 0xC0) != 0x80;
		size_t nlen = ne - ns;
		int is_ref = !closing && ((nlen == 3 && !strncmp(body + ns, "ref", 3)) ||
					  (nlen == 6 && !strncmp(body + ns, "relref", 6)));
		int done = 0;
		int is_param = !closing && nlen == 5 && !strncmp(body + ns, "param", 5);
		if (is_param) {
			char *name = first_arg(body + ne, end - 3 - ne);
			const char *value = name ? layout_hugo_param(params, name) : NULL;
			size_t room = end - i;
			if (value && i >= 2 && body[i - 1] == '(' && body[i - 2] == ']' &&
			    strlen(LAYOUT_HUGO_PARAM) + strlen(name) <= room) {
				/* a link destination: links.c puts the value in */
				size_t m = strlen(LAYOUT_HUGO_PARAM);
				memcpy(out + i, LAYOUT_HUGO_PARAM, m);
				memcpy(out + i + m, name, strlen(name));
				memset(out + i + m + strlen(name), '|', room - m - strlen(name));
				done = 1;
			} else if (value && strlen(value) <= room && !memchr(body + i, '\n', room)) {
				memcpy(out + i, value, strlen(value));
				memset(out + i + strlen(value), ' ', room - strlen(value));
				done = 1;
			}
			free(name);
		}
		if (is_ref) {
			char *arg = first_arg(body + ne, end - 3 - ne);
			if (arg) {
				/* LAYOUT_HUGO_REF + the target, percent-encoded where a link destination cannot
				 * hold the byte, padded with '|' to the shortcode's length: every later column
				 * of the line stays where it was */
				buf_t m = BUF_INIT;
				buf_puts(&m, LAYOUT_HUGO_REF);
				for (const char *q = arg; *q; q++) {
					unsigned char c = (unsigned char)*q;
					if (c <= ' ' || strchr("()<>|\"\\`", c))
						buf_printf(&m, "%%%02X", c);
					else
						buf_putc(&m, (char)c);
				}
				/* only where a link's destination stands ("](", an attribute's quote, a reference
				 * definition's "]:"): in running text Hugo prints the page's address, which is
				 * not known before the links are resolved and would not fit the shortcode's
				 * length; there the ref is left out with the warning below (it showed the
				 * placeholder itself) */
				size_t b = i;
				while (b > 0 && (body[b - 1] == ' ' || body[b - 1] == '\t'))
					b--;
				int dest = (i >= 2 && body[i - 1] == '(' && body[i - 2] == ']') ||
					   (i >= 1 && (body[i - 1] == '"' || body[i - 1] == '\'' || body[i - 1] == '<')) ||
					   (b >= 2 && body[b - 1] == ':' && body[b - 2] == ']');
				if (dest && m.len <= end - i && !memchr(body + i, '\n', end - i)) {
					memcpy(out + i, m.s, m.len);
					memset(out + i + m.len, '|', end - i - m.len);
					done = 1;
				}
				buf_free(&m);
				free(arg);
			}
		}
		if (!done && shortcode_callout(body + ns, nlen))
			done = 1; /* a callout (shortcodes.h): left in place for mdblocks.c to render */
		if (!done) {
			add_unknown(unknown, nunknown, body + ns, nlen, line, col);
			for (size_t k = i; k < end; k++)
				if (out[k] != '\n')
					out[k] = ' ';
		}
		/* lines inside the shortcode */
		for (size_t k = i; k < end; k++)
			if (body[k] == '\n') {
				line++;
				line_start = k + 1;
			}
		i = end - 1;
	}
	return out;
}

void layout_shortcodes_free(layout_shortcode_t *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i].name);
	free(v);
}

size_t layout_hugo_ref_candidates(const char *root, const char *page_dir, const char *ref, char ***out)
{
	char **v = NULL;
	size_t n = 0;
	const char *bases[2];
	char *rel = NULL, *abs = NULL;
	size_t nb = 0;
	if (ref[0] == '/') {
		abs = root[0] ? xasprintf("%s/%s", root, ref + 1) : xstrdup(ref + 1);
		bases[nb++] = abs;
	} else {
		rel = page_dir[0] ? xasprintf("%s/%s", page_dir, ref) : xstrdup(ref);
		abs = root[0] ? xasprintf("%s/%s", root, ref) : xstrdup(ref);
		bases[nb++] = rel;
		bases[nb++] = abs;
	}
	for (size_t b = 0; b < nb; b++) {
		char *norm = fsu_normalize(bases[b]);
		if (!norm)
			continue;
		size_t len = strlen(norm);
		if (len && norm[len - 1] == '/')
			norm[--len] = '\0';
		const char *forms[] = {"%s", "%s.md", "%s/_index.md", "%s/index.md"};
		for (size_t f = 0; f < 4; f++) {
			if (f == 0 && !fsu_ends_with(norm, ".md"))
				continue;
			if (f > 0 && fsu_ends_with(norm, ".md"))
				break;
			v = xrealloc(v, (n + 1) * sizeof *v);
			if (!norm[0] && f > 1)
				v[n++] = xstrdup(f == 2 ? "_index.md" : "index.md");
			else
				v[n++] = xasprintf(forms[f], norm);
		}
		free(norm);
	}
	free(rel);
	free(abs);
	*out = v;
	return n;
}
