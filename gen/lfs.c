/* lfs.c - Git LFS pointer files. See lfs.h. */
#include "lfs.h"

#include <string.h>

#include "buf.h"

int lfs_is_pointer(const char *data, size_t len)
{
	/* the first line names the spec (git-lfs's current one, or the hawser name it had before 1.0); an oid
	 * line follows: https://github.com/git-lfs/git-lfs/blob/main/docs/spec.md */
	static const char *const versions[] = {"version https://git-lfs.github.com/spec/v1\n",
					       "version https://hawser.github.com/spec/v1\n"};
	if (len > LFS_POINTER_MAX)
		return 0;
	for (size_t i = 0; i < sizeof versions / sizeof *versions; i++) {
		size_t vl = strlen(versions[i]);
		if (len > vl && !memcmp(data, versions[i], vl)) {
			static const char oid[] = "\noid sha256:";
			for (size_t k = vl - 1; k + sizeof oid - 1 <= len; k++)
				if (!memcmp(data + k, oid, sizeof oid - 1))
					return 1;
		}
	}
	return 0;
}

int lfs_file_is_pointer(const pr_root_t *tree, const char *rel)
{
	/* pr_read refuses a file larger than the limit (PR_ETOOBIG) before reading it, and anything but a
	 * regular file */
	buf_t b = BUF_INIT;
	int is = pr_read(tree, rel, &b, LFS_POINTER_MAX) == 0 && lfs_is_pointer(b.s ? b.s : "", b.len);
	buf_free(&b);
	return is;
}
