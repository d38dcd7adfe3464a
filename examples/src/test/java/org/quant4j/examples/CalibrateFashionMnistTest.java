package org.quant4j.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.quant4j.api.data.Batch;

class CalibrateFashionMnistTest {

    @Test
    void sobelOfAVerticalStepIsFourTimesTheStepInTheInterior() {
        // Left half 0, right half 1 on a 1x4x4 image: the Sobel-x kernel [-1 0 1; -2 0 2; -1 0 1]
        // sums to (1 + 2 + 1) * 1 = 4 across the step for interior rows, 3 on the border rows
        // (zero padding removes one of the outer weights).
        float[] image = {
            0, 0, 1, 1,
            0, 0, 1, 1,
            0, 0, 1, 1,
            0, 0, 1, 1};
        float[] gx = CalibrateFashionMnist.sobel(new Batch(image, 1, new int[] {1, 4, 4}, Optional.empty()));
        assertEquals(4f, gx[1 * 4 + 1]);
        assertEquals(4f, gx[2 * 4 + 2]);
        assertEquals(3f, gx[0 * 4 + 1]);
        assertEquals(0f, gx[1 * 4 + 0]);
    }
}
