# Draws OUTDIR/fig5.png from the output of examples/fig5 (seed Figure 5):
# (a) 7Li lines of MIL-121/Li, (b) of MIL-121/Li+SE, stacked by temperature;
# (c) line width versus temperature with the Kubo-Anderson fit.
#   gnuplot -e "outdir='figures'; term='pngcairo'" examples/fig5.gp
if (!exists("outdir")) outdir = "figures"
if (!exists("term")) term = "pngcairo"
set terminal term size 900,650
set output outdir.'/fig5.png'
set datafile separator ','
spec = outdir.'/fig5-spectra.csv'
spec_se = outdir.'/fig5-spectra-se.csv'
widths = outdir.'/fig5-widths.csv'
fit = outdir.'/fig5-fit.csv'
set multiplot title "Figure 5: ^7Li NMR lines, 116.59 MHz (synthetic data)"

# (a) and (b): stacked spectra, lowest temperature at the bottom
set size 0.5, 0.52
set xrange [15:-15]
set xlabel "frequency offset (kHz)"
set ytics format ""
set ylabel "intensity (normalised, offset)"
unset key
set yrange [-0.2:7.2]
set origin 0.0, 0.44
set title "(a) MIL-121/Li"
plot for [k=2:6] spec using 1:(column(k) + 1.4*(k-2)) with lines lw 1.5, \
     for [k=2:6] spec using (11):(1.4*(k-2) + 0.3):(columnhead(k)) every ::0::0 with labels left
set origin 0.5, 0.44
set title "(b) MIL-121/Li+SE"
set yrange [-0.2:5.9]
plot for [k=2:5] spec_se using 1:(column(k) + 1.4*(k-2)) with lines lw 1.5, \
     for [k=2:5] spec_se using (11):(1.4*(k-2) + 0.3):(columnhead(k)) every ::0::0 with labels left

# (c): FWHM versus temperature
set size 1.0, 0.46
set origin 0.0, 0.0
set title "(c) line width (FWHM) versus temperature"
set xrange [-100:170]
set yrange [0:5.8]
set xlabel "temperature (°C)"
set ylabel "FWHM (kHz)"
set ytics format "%g"
set key at graph 0.78, graph 0.62 Right box opaque
set arrow 1 from 120, graph 0 to 120, graph 1 nohead dt 2 lc rgb "gray40"
set label 1 "onset 120 °C" at 122, graph 0.92
set arrow 2 from -40, graph 0 to -40, graph 1 nohead dt 2 lc rgb "gray40"
set label 2 "PC melts, -40 °C" at -38, graph 0.72
plot widths using (strcol(1) eq "Li" ? $3 : NaN):4:5 with yerrorbars pt 7 ps 0.8 lc rgb "#1f77b4" title "MIL-121/Li", \
     fit using 2:3 with lines lw 2 lc rgb "#1f77b4" title "Kubo-Anderson fit", \
     widths using (strcol(1) eq "Li+SE" ? $3 : NaN):4:5 with yerrorbars pt 5 ps 0.8 lc rgb "#d62728" title "MIL-121/Li+SE (whole line)"
unset multiplot
