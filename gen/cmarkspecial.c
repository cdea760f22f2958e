/* cmarkspecial.c - cmark-gfm's special inline characters set once. See cmarkspecial.h. */
#define _GNU_SOURCE /* RTLD_NEXT */
#include "cmarkspecial.h"

#include <dlfcn.h>

typedef void (*manage_fn)(cmark_parser *, int);

int cmarkspecial_init(cmark_parser *parser)
{
	manage_fn real;
	/* the library's definition, the one this file's takes the place of */
	*(void **)&real = dlsym(RTLD_NEXT, "cmark_manage_extensions_special_characters");
	if (!real)
		return -1;
	real(parser, 1);
	return 0;
}

void cmark_manage_extensions_special_characters(cmark_parser *parser, int add)
{
	(void)parser;
	(void)add;
}
