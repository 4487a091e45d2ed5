/*
 * svg — small self-contained SVG charts for the HTML report: one or more
 * series over the same points, as lines (through the points with data) or
 * bars, a y axis from zero in whole round grid steps, a legend, and the x axis labelled at its two ends.
 * No external assets: the output is inlined into the page.
 */
#ifndef FW_SVG_H
#define FW_SVG_H

#include <stdio.h>

struct svg_series {
	const char *name;
	const char *color;	/* a CSS colour */
	const double *v;	/* one value per point; NAN: no data there */
	int bars;		/* bars instead of a line */
};

struct svg_chart {
	const char *title;
	const char *x_first, *x_last;	/* labels of the first and last point */
	int n;				/* points per series */
	const struct svg_series *series;
	int n_series;
	int width, height;		/* pixels */
};

/* Write the chart as one <svg> element. */
void svg_chart_write(FILE *out, const struct svg_chart *c);

/* Write S with &, <, >, " and ' escaped (text and attributes of HTML and SVG). */
void svg_escape(FILE *out, const char *s);

/* The smallest 1, 2 or 5 x 10^k that is >= V / STEPS (V > 0): a grid step. */
double svg_grid_step(double v, int steps);

#endif
