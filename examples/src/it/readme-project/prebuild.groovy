// The project's one source file is the README's program, taken from the examples module (ExampleSourcesTest
// checks that the README shows exactly that file).
def source = new File(basedir, '../../../src/main/java/org/quant4j/examples/QuantizeAndCompare.java')
def target = new File(basedir, 'src/main/java/org/quant4j/examples/QuantizeAndCompare.java')
target.parentFile.mkdirs()
target.text = source.text
return true
