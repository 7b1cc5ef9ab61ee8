/**
 * @file spinrelax.h
 * @brief spinrelax: NMR spin-lattice relaxation in ion conductors.
 *
 * The umbrella header: include this one file and link with
 * `pkg-config --cflags --libs spinrelax`.  Every module header is
 * self-contained and needs no GSL, FFTW or HDF5 header.
 */
#ifndef SPINRELAX_H
#define SPINRELAX_H

#include "spinrelax/common.h"
#include "spinrelax/nucleus.h"
#include "spinrelax/spectral.h"
#include "spinrelax/rates.h"
#include "spinrelax/import.h"
#include "spinrelax/spectrum1d.h"
#include "spinrelax/bruker.h"
#include "spinrelax/varian.h"
#include "spinrelax/pdc.h"
#include "spinrelax/fit.h"
#include "spinrelax/transient.h"
#include "spinrelax/h5store.h"
#include "spinrelax/narrowing.h"
#include "spinrelax/quadrupolar.h"
#include "spinrelax/powder.h"
#include "spinrelax/lineshape.h"
#include "spinrelax/transport.h"
#include "spinrelax/arrhenius.h"
#include "spinrelax/lineshape_fit.h"
#include "spinrelax/exchange.h"

#endif /* SPINRELAX_H */
