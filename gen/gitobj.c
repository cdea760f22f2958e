/* gitobj.c - reference-counted raw Git objects. See gitobj.h. */
#include "gitobj.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"

gitobj_t *gitobj_new(int type, size_t len)
{
	gitobj_t *o = xmalloc(sizeof *o + len + 1);
	o->refs = 1;
	o->type = type;
	o->len = len;
	o->data[len] = 0;
	return o;
}

gitobj_t *gitobj_ref(gitobj_t *o)
{
	if (o)
		o->refs++;
	return o;
}

void gitobj_unref(gitobj_t *o)
{
	if (o && --o->refs == 0)
		free(o);
}

gitobj_t *gitobj_read_odb(git_odb *odb, const git_oid *id, int *rc)
{
	size_t declared;
	git_object_t type;
	*rc = git_odb_read_header(&declared, &type, odb, id);
	if (*rc < 0)
		return NULL;
	if (declared > GITOBJ_MAX_LEN) {
		char hex[GIT_OID_HEXSZ + 1];
		git_oid_tostr(hex, sizeof hex, id);
		char msg[160];
		snprintf(msg, sizeof msg, "object %s says it is %zu bytes, larger than the %zu MiB the history reads",
			 hex, declared, GITOBJ_MAX_LEN >> 20);
		git_error_set_str(GIT_ERROR_ODB, msg);
		*rc = GIT_ERROR;
		return NULL;
	}
	git_odb_object *oo;
	*rc = git_odb_read(&oo, odb, id);
	if (*rc < 0)
		return NULL;
	size_t len = git_odb_object_size(oo);
	gitobj_t *o = gitobj_new((int)git_odb_object_type(oo), len);
	memcpy(o->data, git_odb_object_data(oo), len);
	git_odb_object_free(oo);
	return o;
}
