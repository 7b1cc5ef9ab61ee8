# Draws OUTDIR/al27_mas.png from the output of examples/al27_mas: the 27Al
# central-transition MAS line (25 kHz, 130.29 MHz) with its fit and residual.
#   gnuplot -e "outdir='figures'; term='pngcairo'" examples/al27_mas.gp
if (!exists("outdir")) outdir = "figures"
if (!exists("term")) term = "pngcairo"
set terminal term size 900,650
set output outdir.'/al27_mas.png'
set datafile separator ','
data = outdir.'/al27_mas.csv'
summary = outdir.'/summary-al27_mas.csv'
stats summary every ::1::1 using 4 nooutput; cq = STATS_min
stats summary every ::2::2 using 4 nooutput; eta = STATS_min

set multiplot title "^{27}Al MAS NMR of MIL-121: central transition, 130.29 MHz, 25 kHz MAS (synthetic data)"
set xrange [250:-380]
set lmargin 10
set rmargin 3
# top: data and fit
set origin 0, 0.3
set size 1, 0.65
set bmargin 0
set format x ""
set ylabel "intensity (normalised)"
set yrange [-0.08:1.12]
set key top left box opaque
set arrow 1 from 25e3/130.29 - 10, graph 0.25 to 25e3/130.29 - 10, graph 0.1 lc rgb "gray40"
set arrow 2 from -25e3/130.29 - 10, graph 0.25 to -25e3/130.29 - 10, graph 0.1 lc rgb "gray40"
set label 1 "spinning sidebands (±25 kHz)" at -25e3/130.29 - 10, graph 0.29 center
plot data using 2:3 with lines lc rgb "gray50" title "data (1% noise)", \
     data using 2:4 with lines lw 2 lc rgb "#d62728" \
          title sprintf("fit: C_q = %.2f MHz, {/Symbol h} = %.2f", cq, eta)
# bottom: residual
unset arrow
unset label
set origin 0, 0.06
set size 1, 0.24
set tmargin 0
set bmargin 3
set format x "%g"
set xlabel "^{27}Al shift from the carrier (ppm)"
set ylabel "residual"
set yrange [-0.06:0.06]
set ytics 0.05
unset key
plot data using 2:5 with lines lc rgb "#1f77b4", 0 with lines lc rgb "black" dt 2
unset multiplot
