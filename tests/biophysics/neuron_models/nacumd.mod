: Intracellular Na+ accumulation in a well-mixed cylinder (volume/area = diam/4), explicit
: Euler from the total Na+ current, as drgstim.biophysics.channels.sundt_na.accumulate
: (after NEURON's nacum example and Tigerholm et al. 2014).
NEURON {
    SUFFIX nacumd
    USEION na READ ina WRITE nai
}
UNITS {
    (mM) = (milli/liter)
    (um) = (micron)
    (mA) = (milliamp)
    FARADAY = 96485.33212 (coulomb)
}
PARAMETER { diam (um) }
ASSIGNED { ina (mA/cm2) }
STATE { nai (mM) }
INITIAL { }
BREAKPOINT { SOLVE state METHOD euler }
DERIVATIVE state {
    nai' = -ina*4/(diam*FARADAY)*(1e4)
}
