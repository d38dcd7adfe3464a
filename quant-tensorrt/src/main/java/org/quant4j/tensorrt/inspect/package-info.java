/** The layers of a built engine and the precision each runs in, from TensorRT's engine inspector. */
package org.quant4j.tensorrt.inspect;
