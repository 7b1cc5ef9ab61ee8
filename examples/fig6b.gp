# fig6b.gp: seed Figure 6b, 7Li 1/T1 and 1/T1rho of MIL-121/Li+SE.
#   gnuplot -e "outdir='figures'; term='pngcairo'" examples/fig6b.gp
if (!exists("outdir")) outdir = 'figures'
if (!exists("term")) term = 'pngcairo'
set terminal term size 900,650
set output outdir.'/fig6b.png'
set datafile separator ','
set datafile missing 'NaN'
s = outdir.'/summary-fig6b.csv'
stats s every ::1::1 using 4 nooutput; ea1 = STATS_max
stats s every ::2::2 using 4 nooutput; ea2 = STATS_max
stats s every ::3::3 using 4 nooutput; ealiq = STATS_max
stats s every ::4::4 using 4 nooutput; tmax = STATS_max
stats s every ::5::5 using 4 nooutput; eahigh = STATS_max
set xlabel '1000/T (K^{-1})'
set ylabel 'log_{10}(rate / s^{-1})'
set x2label 'T (K)'
set xrange [2.1:5.9]
set yrange [-4.5:5]
set link x2
set x2tics ("450" 1000./450, "400" 1000./400, "350" 1000./350, "300" 1000./300, \
            "250" 1000./250, "220" 1000./220, "200" 1000./200, "180" 1000./180)
set xtics nomirror
set mxtics 5
set key top right box opaque font ',10'
set title 'MIL-121/Li+SE, ^7Li, 116.59 MHz, spin lock 20 kHz'
set arrow 1 from 1000./203, graph 0 to 1000./203, graph 1 nohead dt 3 lc rgb 'gray50'
set label 1 'PC melts (203 K)' at 1000./203 + 0.04, graph 0.62
set arrow 2 from 1000./tmax, graph 0 to 1000./tmax, graph 1 nohead dt 3 lc rgb '#0040c0'
set label 2 sprintf('T_{max} = %.0f K', tmax) at 1000./tmax + 0.04, graph 0.12 tc rgb '#0040c0'
d = outdir.'/fig6b.csv'
f = outdir.'/fig6b_fit.csv'
plot d using (strcol(1) eq 'T1rho' ? $3 : NaN):(log10($4)):(0.4343*$5/$4) skip 1 \
       with yerrorbars pt 7 ps 1.0 lc rgb '#c00000' title '1/T_{1{/Symbol r}}', \
     d using (strcol(1) eq 'T1' ? $3 : NaN):(log10($4)):(0.4343*$5/$4) skip 1 \
       with yerrorbars pt 5 ps 0.9 lc rgb '#0040c0' title '1/T_1', \
     f using 2:(log10($4)) skip 1 with lines lw 1.5 dt 2 lc rgb '#c00000' \
       title sprintf('global fit above 203 K: liquid PC E_a = %.2f eV (high-T), %.2f eV (low-T)', eahigh, ealiq), \
     f using 2:(log10($3)) skip 1 with lines lw 1.5 dt 2 lc rgb '#0040c0' notitle, \
     f using 2:(log10($6)) skip 1 with lines lw 3 lc rgb '#800000' title sprintf('flank T_{1{/Symbol r}}: E_a = %.2f eV', ea2), \
     f using 2:(log10($5)) skip 1 with lines lw 3 lc rgb '#002080' title sprintf('flank T_1: E_a = %.2f eV', ea1)
