/*
 * svg — the chart writer: scales, grid, series (lines broken where there
 * is no data, or bars), legend. Geometry only; the caller owns the data.
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include "report/svg.h"

enum { SVG_LEFT = 46, SVG_RIGHT = 12, SVG_TOP = 34, SVG_BOTTOM = 22, SVG_GRID = 4 };

void
svg_escape(FILE *out, const char *s)
{
	for (; *s != '\0'; s++) {
		switch (*s) {
		case '&': fputs("&amp;", out); break;
		case '<': fputs("&lt;", out); break;
		case '>': fputs("&gt;", out); break;
		case '"': fputs("&quot;", out); break;
		case '\'': fputs("&#39;", out); break;
		default: fputc(*s, out);
		}
	}
}

double
svg_grid_step(double v, int steps)
{
	double raw = v / steps, p = pow(10, floor(log10(raw)));

	if (raw <= p)
		return p;
	if (raw <= 2 * p)
		return 2 * p;
	return raw <= 5 * p ? 5 * p : 10 * p;
}

static double
svg_max(const struct svg_chart *c)
{
	double m = 0;

	for (int s = 0; s < c->n_series; s++)
		for (int i = 0; i < c->n; i++)
			if (!isnan(c->series[s].v[i]) && c->series[s].v[i] > m)
				m = c->series[s].v[i];
	return m > 0 ? m : 1;
}

/* Grid lines with their values, and the x labels. Returns the y maximum. */
static double
svg_axes(FILE *out, const struct svg_chart *c, double pw, double ph)
{
	double step = svg_grid_step(svg_max(c), SVG_GRID), top;

	if (step < 1)
		step = 1;	/* the values are counts and seconds: whole grid steps */
	top = step * SVG_GRID;

	for (int g = 0; g <= SVG_GRID; g++) {
		double y = SVG_TOP + ph - ph * g / SVG_GRID;

		fprintf(out, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#ddd\"/>"
		    "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\" font-size=\"10\">%g</text>\n",
		    SVG_LEFT, y, SVG_LEFT + pw, y, SVG_LEFT - 4, y + 3, step * g);
	}
	fprintf(out, "<text x=\"%d\" y=\"%d\" font-size=\"10\">", SVG_LEFT, c->height - 6);
	svg_escape(out, c->x_first);
	fprintf(out, "</text><text x=\"%.1f\" y=\"%d\" font-size=\"10\" text-anchor=\"end\">",
	    SVG_LEFT + pw, c->height - 6);
	svg_escape(out, c->x_last);
	fputs("</text>\n", out);
	return top;
}

/* Bars, or a line through the points that have data, each point marked. */
static void
svg_series_write(FILE *out, const struct svg_chart *c, const struct svg_series *s,
    double pw, double ph, double top)
{
	int first = 1;

	for (int pass = 0; pass < 2; pass++) {
		for (int i = 0; i < c->n; i++) {
			double v = s->v[i], y = SVG_TOP + ph - ph * v / top;
			double x = c->n > 1 ? SVG_LEFT + pw * i / (c->n - 1) : SVG_LEFT + pw / 2;

			if (isnan(v) || (s->bars && (pass == 1 || v <= 0)))
				continue;
			if (s->bars)
				fprintf(out, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" "
				    "fill=\"%s\" opacity=\"0.7\"/>\n", SVG_LEFT + pw * i / c->n, y,
				    pw / c->n * 0.8, SVG_TOP + ph - y, s->color);
			else if (pass == 1)
				fprintf(out, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"2\" fill=\"%s\"/>\n",
				    x, y, s->color);
			else {
				fprintf(out, "%s%.1f,%.1f", first ? "<polyline fill=\"none\" "
				    "stroke-width=\"2\" points=\"" : " ", x, y);
				first = 0;
			}
		}
		if (pass == 0 && !first)
			fprintf(out, "\" stroke=\"%s\"/>\n", s->color);
	}
}

void
svg_chart_write(FILE *out, const struct svg_chart *c)
{
	double pw = c->width - SVG_LEFT - SVG_RIGHT, ph = c->height - SVG_TOP - SVG_BOTTOM, top;
	double lx = SVG_LEFT + 4;

	fprintf(out, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
	    "viewBox=\"0 0 %d %d\" font-family=\"sans-serif\">\n<title>", c->width, c->height,
	    c->width, c->height);
	svg_escape(out, c->title);
	fputs("</title>\n<text x=\"4\" y=\"13\" font-size=\"12\" font-weight=\"bold\">", out);
	svg_escape(out, c->title);
	fputs("</text>\n", out);
	top = svg_axes(out, c, pw, ph);
	for (int s = 0; s < c->n_series; s++) {
		svg_series_write(out, c, &c->series[s], pw, ph, top);
		fprintf(out, "<rect x=\"%.1f\" y=\"%d\" width=\"8\" height=\"8\" fill=\"%s\"/>"
		    "<text x=\"%.1f\" y=\"%d\" font-size=\"10\">", lx, SVG_TOP - 9, c->series[s].color,
		    lx + 11, SVG_TOP - 1);
		svg_escape(out, c->series[s].name);
		fputs("</text>\n", out);
		lx += 20 + 6.0 * (double)strlen(c->series[s].name);
	}
	fputs("</svg>\n", out);
}
