/** What the machine offers: the CPU's instruction sets for integer inference. */
package org.quant4j.api.platform;
