/** Gradient-based estimates of layer sensitivity for quant-sensitivity, computed on DJL. */
package org.quant4j.qat.sensitivity;
