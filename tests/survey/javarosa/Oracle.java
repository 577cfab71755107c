import java.io.FileInputStream;
import org.javarosa.core.model.FormDef;
import org.javarosa.core.model.data.IAnswerData;
import org.javarosa.core.model.instance.InstanceInitializationFactory;
import org.javarosa.core.model.instance.TreeElement;
import org.javarosa.xform.util.XFormUtils;

/**
 * Loads an XForm with JavaRosa (the library inside pyxform's ODK Validate), lets it compute
 * every calculate field from the instance's default values, and prints "name TAB value" for
 * the fields whose name starts with "calc_". Run by tests/survey/test_javarosa_oracle.py.
 */
public class Oracle {
  public static void main(String[] args) throws Exception {
    FormDef form = XFormUtils.getFormFromInputStream(new FileInputStream(args[0]));
    form.initialize(true, new InstanceInitializationFactory());
    TreeElement root = form.getMainInstance().getRoot();
    for (int i = 0; i < root.getNumChildren(); i++) {
      TreeElement child = root.getChildAt(i);
      if (!child.getName().startsWith("calc_")) continue;
      IAnswerData value = child.getValue();
      System.out.println(child.getName() + "\t" + (value == null ? "" : value.getDisplayText()));
    }
  }
}
