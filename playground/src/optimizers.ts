// The labs' optimiser choices as nabla optimisers.
import * as nb from 'nabla';

/** An optimiser by the playground's name (momentum is SGD with μ = 0.9). */
export function optimizerOf(name: string, learningRate: number): nb.optimizers.Optimizer {
  switch (name) {
    case 'momentum':
      return nb.optimizers.sgd({ learningRate, momentum: 0.9 });
    case 'rmsprop':
      return nb.optimizers.rmsprop({ learningRate });
    case 'adam':
      return nb.optimizers.adam({ learningRate });
    case 'adagrad':
      return nb.optimizers.adagrad({ learningRate });
    default:
      return nb.optimizers.sgd({ learningRate });
  }
}
