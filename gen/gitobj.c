/* gitobj.c - reference-counted raw Git objects. See gitobj.h. */
#include "gitobj.h"

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
