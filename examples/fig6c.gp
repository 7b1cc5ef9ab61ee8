# fig6c.gp: seed Figure 6c, 23Na 1/T1 of MIL-121/Na+SE.
#   gnuplot -e "outdir='figures'; term='pngcairo'" examples/fig6c.gp
if (!exists("outdir")) outdir = 'figures'
if (!exists("term")) term = 'pngcairo'
set terminal term size 900,650
set output outdir.'/fig6c.png'
set datafile separator ','
set datafile missing 'NaN'
s = outdir.'/summary-fig6c.csv'
stats s every ::1::1 using 4 nooutput; ea1 = STATS_max
stats s every ::2::2 using 4 nooutput; eag = STATS_max
stats s every ::3::3 using 4 nooutput; tmax = STATS_max
set xlabel '1000/T (K^{-1})'
set ylabel 'log_{10}(rate / s^{-1})'
set x2label 'T (K)'
set xrange [2.85:4.8]
set yrange [-0.5:4.5]
set link x2
set x2tics ("340" 1000./340, "320" 1000./320, "300" 1000./300, "280" 1000./280, \
            "260" 1000./260, "240" 1000./240, "220" 1000./220)
set xtics nomirror
set mxtics 5
set key top right box opaque
set title 'MIL-121/Na+SE, ^{23}Na, 79.35 MHz'
set arrow 1 from 1000./tmax, graph 0 to 1000./tmax, graph 1 nohead dt 3 lc rgb 'gray50'
set label 1 sprintf('T_{max} = %.0f K', tmax) at 1000./tmax + 0.03, graph 0.05
d = outdir.'/fig6c.csv'
f = outdir.'/fig6c_fit.csv'
plot d using 3:(log10($4)):(0.4343*$5/$4) skip 1 with yerrorbars pt 7 ps 1.1 lc rgb '#006000' title '1/T_1 (^{23}Na)', \
     f using 2:(log10($3)) skip 1 with lines lw 1.5 dt 2 lc rgb '#006000' title sprintf('BPP fit + background: E_a = %.2f eV', eag), \
     f using 2:(log10($4)) skip 1 with lines lw 3 lc rgb '#003000' title sprintf('regime I flank: E_a = %.2f eV', ea1)
